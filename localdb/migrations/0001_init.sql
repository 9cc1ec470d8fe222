-- Intiqa store, first schema. One schema serves a province laptop (scoped
-- to one province, see meta.scope) and headquarters (national scope).
-- Times are UTC text: dates as YYYY-MM-DD, instants as RFC 3339.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE regions (
    code       TEXT PRIMARY KEY,
    name_fr    TEXT NOT NULL,
    name_ar    TEXT NOT NULL,
    population INTEGER NOT NULL,
    households INTEGER NOT NULL
) STRICT;

CREATE TABLE provinces (
    code        TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    name_fr     TEXT NOT NULL,
    name_ar     TEXT NOT NULL,
    type        TEXT NOT NULL,
    population  INTEGER NOT NULL,
    households  INTEGER NOT NULL
) STRICT;

CREATE TABLE communes (
    code          TEXT PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES provinces (code),
    region_code   TEXT NOT NULL REFERENCES regions (code),
    name_fr       TEXT NOT NULL,
    name_ar       TEXT NOT NULL,
    type          TEXT NOT NULL CHECK (type IN ('urban', 'rural')),
    population    INTEGER NOT NULL,
    households    INTEGER NOT NULL
) STRICT;
CREATE INDEX communes_province ON communes (province_code);

CREATE TABLE needs (
    commune_code TEXT PRIMARY KEY REFERENCES communes (code),
    enumerators  INTEGER NOT NULL CHECK (enumerators >= 0),
    controllers  INTEGER NOT NULL CHECK (controllers >= 0),
    languages    TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE applicants (
    id                TEXT PRIMARY KEY,
    cin               TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    last_name_ar      TEXT NOT NULL,
    first_name_ar     TEXT NOT NULL,
    sex               TEXT NOT NULL CHECK (sex IN ('F', 'M')),
    birth_date        TEXT NOT NULL,
    phone             TEXT NOT NULL,
    email             TEXT NOT NULL,
    category          TEXT NOT NULL,
    education         TEXT NOT NULL,
    survey_experience TEXT NOT NULL,
    tech_skill        TEXT NOT NULL,
    languages         TEXT NOT NULL,
    choice_1          TEXT NOT NULL REFERENCES communes (code),
    choice_2          TEXT REFERENCES communes (code),
    choice_3          TEXT REFERENCES communes (code),
    province_code     TEXT NOT NULL REFERENCES provinces (code),
    registered_at     TEXT NOT NULL,
    digest            TEXT NOT NULL
) STRICT, WITHOUT ROWID;
-- The applicants' secondary indexes; a bulk import into an empty table
-- drops and rebuilds them (see localdb/import.go), so keep this list and
-- applicantIndexes in step.
CREATE UNIQUE INDEX applicants_cin ON applicants (cin);
CREATE UNIQUE INDEX applicants_email ON applicants (email);
CREATE INDEX applicants_province ON applicants (province_code);
CREATE INDEX applicants_choice_1 ON applicants (choice_1);

CREATE TABLE training (
    applicant_id      TEXT PRIMARY KEY REFERENCES applicants (id) ON DELETE CASCADE,
    started           INTEGER NOT NULL CHECK (started IN (0, 1)),
    modules_completed INTEGER NOT NULL CHECK (modules_completed >= 0),
    modules_total     INTEGER NOT NULL CHECK (modules_total >= modules_completed),
    test_score        REAL CHECK (test_score BETWEEN 0 AND 100)
) STRICT;

CREATE TABLE documents (
    id           TEXT PRIMARY KEY,
    applicant_id TEXT NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    media_type   TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    uploaded_at  TEXT NOT NULL
) STRICT;
CREATE INDEX documents_applicant ON documents (applicant_id);
CREATE INDEX documents_sha256 ON documents (sha256);

CREATE TABLE reviews (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    verdict     TEXT NOT NULL CHECK (verdict IN ('pending', 'accepted', 'rejected')),
    reason      TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT '',
    reviewer    TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    version     INTEGER NOT NULL,
    UNIQUE (document_id, version)
) STRICT;

CREATE TABLE rubrics (
    version TEXT PRIMARY KEY,
    body    TEXT NOT NULL -- canonical JSON of selection.Rubric
) STRICT;

CREATE TABLE interview_sessions (
    id            TEXT PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES provinces (code),
    starts_at     TEXT NOT NULL,
    place         TEXT NOT NULL,
    panel         TEXT NOT NULL, -- JSON array of user names
    version       INTEGER NOT NULL
) STRICT;

CREATE TABLE convocations (
    session_id   TEXT NOT NULL REFERENCES interview_sessions (id) ON DELETE CASCADE,
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    slot         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('enumerator', 'controller')),
    PRIMARY KEY (session_id, applicant_id)
) STRICT;

CREATE TABLE attendance (
    session_id   TEXT NOT NULL,
    applicant_id TEXT NOT NULL,
    present      INTEGER NOT NULL CHECK (present IN (0, 1)),
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, applicant_id),
    FOREIGN KEY (session_id, applicant_id)
        REFERENCES convocations (session_id, applicant_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE score_sheets (
    id           TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL,
    applicant_id TEXT NOT NULL,
    member       TEXT NOT NULL,
    points       TEXT NOT NULL, -- JSON object, criterion code to points
    notes        TEXT NOT NULL, -- JSON object, criterion code to note
    submitted_at TEXT NOT NULL DEFAULT '',
    UNIQUE (session_id, applicant_id, member),
    FOREIGN KEY (session_id, applicant_id)
        REFERENCES convocations (session_id, applicant_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('preselection', 'final')),
    scope         TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    rules_hash    TEXT NOT NULL,
    seed          TEXT NOT NULL,
    params        TEXT NOT NULL, -- JSON object
    input_hash    TEXT NOT NULL,
    output_hash   TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    committed_at  TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL
) STRICT;

CREATE TABLE outcomes (
    run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    applicant_id TEXT NOT NULL,
    status       TEXT NOT NULL,
    commune_code TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT '',
    rank         INTEGER NOT NULL DEFAULT 0,
    score        REAL NOT NULL,
    lottery      TEXT NOT NULL, -- uint64 in decimal: INTEGER is signed
    reason       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, applicant_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE withdrawals (
    id           TEXT PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES runs (id),
    applicant_id TEXT NOT NULL,
    reason       TEXT NOT NULL,
    replaced_by  TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;

-- The audit log is append-only: each entry holds the SHA-256 of the
-- previous one, and the triggers refuse updates and deletes made through
-- SQL. A row rewritten behind the store's back (file edited, triggers
-- dropped) breaks the chain, which VerifyAudit detects.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before    TEXT NOT NULL,
    after     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
