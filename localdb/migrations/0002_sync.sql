-- Synchronisation between the province laptops and headquarters.
--
-- On a laptop: the outbox of decisions waiting to be pushed (written by
-- the same transaction as each decision, see localdb/sync_outbox.go), the
-- conflicts waiting for a supervisor, the version of each decided record,
-- and the settings of the enrollment.
--
-- At headquarters (scope ''): the change log that pulls read, filled by
-- the triggers below for every write whatever its path; the decisions
-- applied, by ID, so that a decision pushed twice is applied once; the
-- enrollment tokens, by hash.

-- The rules files headquarters publishes, by version.
CREATE TABLE rules (
    version      TEXT PRIMARY KEY,
    hash         TEXT NOT NULL,
    body         TEXT NOT NULL, -- the rules file as published
    published_at TEXT NOT NULL
) STRICT;

-- Settings of a laptop's enrollment, kept out of the audit log because
-- the token is a secret.
CREATE TABLE sync_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
INSERT INTO sync_settings (key, value) VALUES ('node', lower(hex(randomblob(6))));

-- A laptop's decisions not yet acknowledged by headquarters. The item's
-- ID is the laptop's node ID, a dot and seq.
CREATE TABLE sync_outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL, -- the record decided on, e.g. a document ID
    base       TEXT NOT NULL, -- the version the decision was taken on
    actor      TEXT NOT NULL,
    data       TEXT NOT NULL, -- JSON of the decision
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX sync_outbox_key ON sync_outbox (kind, key, seq);

-- Decisions headquarters refused, for a supervisor to resolve.
CREATE TABLE sync_conflicts (
    id          TEXT PRIMARY KEY, -- the decision's ID
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('conflict', 'rejected')),
    reason      TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    mine        TEXT NOT NULL,
    theirs      TEXT NOT NULL DEFAULT '',
    detected_at TEXT NOT NULL,
    resolved_at TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    resolution  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sync_conflicts_open ON sync_conflicts (resolved_at, detected_at);

-- The version of every decided record: the ID of the decision that last
-- changed it. Both sides keep it; a pushed decision applies only when its
-- base is headquarters' version.
CREATE TABLE sync_heads (
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;

-- Headquarters: the decisions applied, by ID.
CREATE TABLE sync_items (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    province   TEXT NOT NULL,
    token      TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Headquarters: the enrollment tokens. Only a token's SHA-256 is kept.
CREATE TABLE sync_tokens (
    id         TEXT PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    province   TEXT NOT NULL,
    role       TEXT NOT NULL,
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT NOT NULL DEFAULT ''
) STRICT;

-- Headquarters: the change log, one row per write of a record, in order;
-- province '' means every province. It is append-only: a record written
-- again gets a new row and keeps its first, so that a record is always
-- logged before those that refer to it (a document after its applicant),
-- and a laptop pulling from the start never meets a reference to a record
-- it has not received. A pull sends each record's current state.
CREATE TABLE sync_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    province TEXT NOT NULL
) STRICT;
CREATE INDEX sync_changes_province ON sync_changes (province, seq);

-- The change log's triggers: one per table and write. They fire only at
-- headquarters (meta.scope is ''). The reference territory is loaded
-- into every store, laptop or headquarters, from the same embedded data
-- when the store is created: only later updates of it are logged.

CREATE TRIGGER sync_region_upd AFTER UPDATE ON regions
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('region', NEW.code, ''); END;

CREATE TRIGGER sync_province_upd AFTER UPDATE ON provinces
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('province', NEW.code, ''); END;

CREATE TRIGGER sync_commune_upd AFTER UPDATE ON communes
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('commune', NEW.code, ''); END;

CREATE TRIGGER sync_rules_ins AFTER INSERT ON rules
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('rules', NEW.version, ''); END;
CREATE TRIGGER sync_rules_upd AFTER UPDATE ON rules
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('rules', NEW.version, ''); END;

CREATE TRIGGER sync_rubric_ins AFTER INSERT ON rubrics
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('rubric', NEW.version, ''); END;
CREATE TRIGGER sync_rubric_upd AFTER UPDATE ON rubrics
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('rubric', NEW.version, ''); END;

CREATE TRIGGER sync_need_ins AFTER INSERT ON needs
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('need', NEW.commune_code,
    coalesce((SELECT province_code FROM communes WHERE code = NEW.commune_code), '-')); END;
CREATE TRIGGER sync_need_upd AFTER UPDATE ON needs
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('need', NEW.commune_code,
    coalesce((SELECT province_code FROM communes WHERE code = NEW.commune_code), '-')); END;

-- A bulk import into an empty table logs its applicants at its end, in one
-- statement (see Tx.suspendChangeLog).
CREATE TRIGGER sync_applicant_ins AFTER INSERT ON applicants
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
    AND NOT EXISTS (SELECT 1 FROM sync_settings WHERE key = 'bulk_applicants')
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('applicant', NEW.id, NEW.province_code); END;
CREATE TRIGGER sync_applicant_upd AFTER UPDATE ON applicants
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('applicant', NEW.id, NEW.province_code); END;

CREATE TRIGGER sync_training_ins AFTER INSERT ON training
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('training', NEW.applicant_id,
    coalesce((SELECT province_code FROM applicants WHERE id = NEW.applicant_id), '-')); END;
CREATE TRIGGER sync_training_upd AFTER UPDATE ON training
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('training', NEW.applicant_id,
    coalesce((SELECT province_code FROM applicants WHERE id = NEW.applicant_id), '-')); END;

CREATE TRIGGER sync_document_ins AFTER INSERT ON documents
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('document', NEW.id,
    coalesce((SELECT province_code FROM applicants WHERE id = NEW.applicant_id), '-')); END;
CREATE TRIGGER sync_document_upd AFTER UPDATE ON documents
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('document', NEW.id,
    coalesce((SELECT province_code FROM applicants WHERE id = NEW.applicant_id), '-')); END;

CREATE TRIGGER sync_review_ins AFTER INSERT ON reviews
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('review', NEW.id,
    coalesce((SELECT a.province_code FROM documents d JOIN applicants a ON a.id = d.applicant_id
        WHERE d.id = NEW.document_id), '-')); END;
CREATE TRIGGER sync_review_upd AFTER UPDATE ON reviews
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('review', NEW.id,
    coalesce((SELECT a.province_code FROM documents d JOIN applicants a ON a.id = d.applicant_id
        WHERE d.id = NEW.document_id), '-')); END;

CREATE TRIGGER sync_session_ins AFTER INSERT ON interview_sessions
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('session', NEW.id, NEW.province_code); END;
CREATE TRIGGER sync_session_upd AFTER UPDATE ON interview_sessions
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('session', NEW.id, NEW.province_code); END;

CREATE TRIGGER sync_convocation_ins AFTER INSERT ON convocations
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('convocation',
    NEW.session_id || '/' || NEW.applicant_id,
    coalesce((SELECT province_code FROM interview_sessions WHERE id = NEW.session_id), '-')); END;
CREATE TRIGGER sync_convocation_upd AFTER UPDATE ON convocations
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('convocation',
    NEW.session_id || '/' || NEW.applicant_id,
    coalesce((SELECT province_code FROM interview_sessions WHERE id = NEW.session_id), '-')); END;

CREATE TRIGGER sync_attendance_ins AFTER INSERT ON attendance
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('attendance',
    NEW.session_id || '/' || NEW.applicant_id,
    coalesce((SELECT province_code FROM interview_sessions WHERE id = NEW.session_id), '-')); END;
CREATE TRIGGER sync_attendance_upd AFTER UPDATE ON attendance
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('attendance',
    NEW.session_id || '/' || NEW.applicant_id,
    coalesce((SELECT province_code FROM interview_sessions WHERE id = NEW.session_id), '-')); END;

CREATE TRIGGER sync_score_sheet_ins AFTER INSERT ON score_sheets
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('score_sheet', NEW.id,
    coalesce((SELECT province_code FROM interview_sessions WHERE id = NEW.session_id), '-')); END;
CREATE TRIGGER sync_score_sheet_upd AFTER UPDATE ON score_sheets
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('score_sheet', NEW.id,
    coalesce((SELECT province_code FROM interview_sessions WHERE id = NEW.session_id), '-')); END;

CREATE TRIGGER sync_run_ins AFTER INSERT ON runs
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('run', NEW.id, NEW.scope); END;
CREATE TRIGGER sync_run_upd AFTER UPDATE ON runs
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('run', NEW.id, NEW.scope); END;

-- An outcome goes to the run's province, or, for a national run, to its
-- applicant's.
CREATE TRIGGER sync_outcome_ins AFTER INSERT ON outcomes
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('outcome',
    NEW.run_id || '/' || NEW.applicant_id,
    coalesce(nullif((SELECT scope FROM runs WHERE id = NEW.run_id), ''),
        (SELECT province_code FROM applicants WHERE id = NEW.applicant_id), '-')); END;
CREATE TRIGGER sync_outcome_upd AFTER UPDATE ON outcomes
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('outcome',
    NEW.run_id || '/' || NEW.applicant_id,
    coalesce(nullif((SELECT scope FROM runs WHERE id = NEW.run_id), ''),
        (SELECT province_code FROM applicants WHERE id = NEW.applicant_id), '-')); END;

CREATE TRIGGER sync_withdrawal_ins AFTER INSERT ON withdrawals
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('withdrawal', NEW.id,
    coalesce(nullif((SELECT scope FROM runs WHERE id = NEW.run_id), ''), '-')); END;
CREATE TRIGGER sync_withdrawal_upd AFTER UPDATE ON withdrawals
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
BEGIN INSERT INTO sync_changes (kind, key, province) VALUES ('withdrawal', NEW.id,
    coalesce(nullif((SELECT scope FROM runs WHERE id = NEW.run_id), ''), '-')); END;

-- A headquarters store made before this migration: log what it holds.
INSERT INTO sync_changes (kind, key, province)
SELECT kind, key, province FROM (
    SELECT 4 AS o, 'rubric' AS kind, version AS key, '' AS province FROM rubrics
    UNION ALL SELECT 5, 'need', n.commune_code, c.province_code
        FROM needs n JOIN communes c ON c.code = n.commune_code
    UNION ALL SELECT 6, 'applicant', id, province_code FROM applicants
    UNION ALL SELECT 7, 'training', t.applicant_id, a.province_code
        FROM training t JOIN applicants a ON a.id = t.applicant_id
    UNION ALL SELECT 8, 'document', d.id, a.province_code
        FROM documents d JOIN applicants a ON a.id = d.applicant_id
    UNION ALL SELECT 9, 'run', id, scope FROM runs
    UNION ALL SELECT 10, 'outcome', o.run_id || '/' || o.applicant_id,
        coalesce(nullif(r.scope, ''), a.province_code, '-')
        FROM outcomes o JOIN runs r ON r.id = o.run_id
        LEFT JOIN applicants a ON a.id = o.applicant_id
)
WHERE (SELECT value FROM meta WHERE key = 'scope') = ''
ORDER BY o;
