-- Headquarters: applicants who move from one province to another.
--
-- An applicant's province changes when the applicants are imported again
-- with another first choice. The old province's laptops must then forget
-- them, and the new province's laptops receive them with everything of
-- theirs. The trigger below, in the transaction of the update, whatever
-- its path:
--   - records the move in sync_moves, so that a decision the old
--     province's laptops took before they heard of it is refused alone,
--     with its reason, while a decision on an applicant who never was of
--     the pusher's province still refuses the whole batch;
--   - takes the applicant's records off the old province's change log (a
--     laptop of that province pulling from the start must not meet them)
--     and logs a removal there instead;
--   - logs the applicant and their training, documents, reviews and
--     national pre-selection outcomes for the new province, the
--     applicant first, and the new province's own interview decisions on
--     them when they come back to a province they left.
-- Interview sessions, convocations, attendance, score sheets, final
-- selections and withdrawals belong to the province that decided them:
-- none of them follows the applicant.

CREATE TABLE sync_moves (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    applicant_id  TEXT NOT NULL,
    from_province TEXT NOT NULL,
    to_province   TEXT NOT NULL
) STRICT;
CREATE INDEX sync_moves_applicant ON sync_moves (applicant_id, from_province);

-- The change log's entries of one record, to take them off a province.
CREATE INDEX sync_changes_key ON sync_changes (key, kind);

CREATE TRIGGER sync_applicant_move AFTER UPDATE OF province_code ON applicants
WHEN (SELECT value FROM meta WHERE key = 'scope') = ''
    AND OLD.province_code != NEW.province_code
BEGIN
    INSERT INTO sync_moves (applicant_id, from_province, to_province)
    VALUES (NEW.id, OLD.province_code, NEW.province_code);

    DELETE FROM sync_changes WHERE kind IN ('applicant', 'training') AND key = NEW.id
        AND province = OLD.province_code;
    DELETE FROM sync_changes WHERE kind = 'document' AND province = OLD.province_code
        AND key IN (SELECT id FROM documents WHERE applicant_id = NEW.id);
    DELETE FROM sync_changes WHERE kind = 'review' AND province = OLD.province_code
        AND key IN (SELECT r.id FROM documents d JOIN reviews r ON r.document_id = d.id
            WHERE d.applicant_id = NEW.id);
    DELETE FROM sync_changes WHERE kind = 'outcome' AND province = OLD.province_code
        AND key IN (SELECT id || '/' || NEW.id FROM runs);
    DELETE FROM sync_changes WHERE kind IN ('convocation', 'attendance')
        AND province = OLD.province_code
        AND key IN (SELECT session_id || '/' || NEW.id FROM convocations
            WHERE applicant_id = NEW.id);
    DELETE FROM sync_changes WHERE kind = 'score_sheet' AND province = OLD.province_code
        AND key IN (SELECT s.id FROM convocations c JOIN score_sheets s
            ON s.session_id = c.session_id AND s.applicant_id = c.applicant_id
            WHERE c.applicant_id = NEW.id);
    INSERT INTO sync_changes (kind, key, province)
    VALUES ('removal', 'applicant/' || NEW.id, OLD.province_code);

    INSERT INTO sync_changes (kind, key, province)
    VALUES ('applicant', NEW.id, NEW.province_code);
    INSERT INTO sync_changes (kind, key, province)
    SELECT 'training', applicant_id, NEW.province_code FROM training
    WHERE applicant_id = NEW.id;
    INSERT INTO sync_changes (kind, key, province)
    SELECT 'document', id, NEW.province_code FROM documents
    WHERE applicant_id = NEW.id ORDER BY id;
    INSERT INTO sync_changes (kind, key, province)
    SELECT 'review', r.id, NEW.province_code FROM reviews r
    JOIN documents d ON d.id = r.document_id
    WHERE d.applicant_id = NEW.id ORDER BY r.document_id, r.version;
    INSERT INTO sync_changes (kind, key, province)
    SELECT 'outcome', o.run_id || '/' || o.applicant_id, NEW.province_code
    FROM runs r JOIN outcomes o ON o.run_id = r.id AND o.applicant_id = NEW.id
    WHERE r.scope = '' ORDER BY r.started_at, r.id;
    -- An applicant back in a province they left finds its interview
    -- decisions on them again.
    INSERT INTO sync_changes (kind, key, province)
    SELECT kind, key, NEW.province_code FROM (
        SELECT 1 AS o, c.session_id AS s, 'convocation' AS kind,
            c.session_id || '/' || c.applicant_id AS key
        FROM convocations c JOIN interview_sessions i ON i.id = c.session_id
        WHERE c.applicant_id = NEW.id AND i.province_code = NEW.province_code
        UNION ALL SELECT 2, c.session_id, 'attendance', c.session_id || '/' || c.applicant_id
        FROM convocations c JOIN interview_sessions i ON i.id = c.session_id
        JOIN attendance a ON a.session_id = c.session_id AND a.applicant_id = c.applicant_id
        WHERE c.applicant_id = NEW.id AND i.province_code = NEW.province_code
        UNION ALL SELECT 3, c.session_id, 'score_sheet', x.id
        FROM convocations c JOIN interview_sessions i ON i.id = c.session_id
        JOIN score_sheets x ON x.session_id = c.session_id AND x.applicant_id = c.applicant_id
        WHERE c.applicant_id = NEW.id AND i.province_code = NEW.province_code)
    ORDER BY o, s, key;
END;

-- A headquarters store made before this migration: the applicants who
-- moved already are those logged for another province than theirs.
-- Each such move is recorded and its change log rewritten as the
-- trigger does. A laptop store logs nothing, and finds none.
CREATE TEMP TABLE moved_before AS
SELECT DISTINCT c.key AS applicant_id, c.province AS from_province,
    a.province_code AS to_province
FROM sync_changes c JOIN applicants a ON a.id = c.key
WHERE c.kind = 'applicant' AND c.province != a.province_code;

INSERT INTO sync_moves (applicant_id, from_province, to_province)
SELECT applicant_id, from_province, to_province FROM moved_before
ORDER BY applicant_id, from_province;

DELETE FROM sync_changes WHERE seq IN (
    SELECT c.seq FROM moved_before m JOIN sync_changes c ON c.key = m.applicant_id
        AND c.kind IN ('applicant', 'training') AND c.province = m.from_province
    UNION ALL SELECT c.seq FROM moved_before m
        JOIN documents d ON d.applicant_id = m.applicant_id
        JOIN sync_changes c ON c.key = d.id AND c.kind = 'document'
            AND c.province = m.from_province
    UNION ALL SELECT c.seq FROM moved_before m
        JOIN documents d ON d.applicant_id = m.applicant_id
        JOIN reviews r ON r.document_id = d.id
        JOIN sync_changes c ON c.key = r.id AND c.kind = 'review'
            AND c.province = m.from_province
    UNION ALL SELECT c.seq FROM moved_before m CROSS JOIN runs r
        JOIN sync_changes c ON c.key = r.id || '/' || m.applicant_id AND c.kind = 'outcome'
            AND c.province = m.from_province
    UNION ALL SELECT c.seq FROM moved_before m
        JOIN convocations v ON v.applicant_id = m.applicant_id
        JOIN sync_changes c ON c.key = v.session_id || '/' || v.applicant_id
            AND c.kind IN ('convocation', 'attendance') AND c.province = m.from_province
    UNION ALL SELECT c.seq FROM moved_before m
        JOIN convocations v ON v.applicant_id = m.applicant_id
        JOIN score_sheets s ON s.session_id = v.session_id AND s.applicant_id = v.applicant_id
        JOIN sync_changes c ON c.key = s.id AND c.kind = 'score_sheet'
            AND c.province = m.from_province);

INSERT INTO sync_changes (kind, key, province)
SELECT 'removal', 'applicant/' || applicant_id, from_province FROM moved_before
ORDER BY applicant_id, from_province;

INSERT INTO sync_changes (kind, key, province)
SELECT kind, key, province FROM (
    SELECT m.applicant_id AS a, 1 AS o, '' AS k2, 0 AS v, 'applicant' AS kind,
        m.applicant_id AS key, m.to_province AS province
        FROM (SELECT DISTINCT applicant_id, to_province FROM moved_before) m
    UNION ALL SELECT t.applicant_id, 2, '', 0, 'training', t.applicant_id, m.to_province
        FROM (SELECT DISTINCT applicant_id, to_province FROM moved_before) m
        JOIN training t ON t.applicant_id = m.applicant_id
    UNION ALL SELECT d.applicant_id, 3, d.id, 0, 'document', d.id, m.to_province
        FROM (SELECT DISTINCT applicant_id, to_province FROM moved_before) m
        JOIN documents d ON d.applicant_id = m.applicant_id
    UNION ALL SELECT d.applicant_id, 4, d.id, r.version, 'review', r.id, m.to_province
        FROM (SELECT DISTINCT applicant_id, to_province FROM moved_before) m
        JOIN documents d ON d.applicant_id = m.applicant_id
        JOIN reviews r ON r.document_id = d.id
    UNION ALL SELECT o.applicant_id, 5, r.started_at || r.id, 0, 'outcome',
        o.run_id || '/' || o.applicant_id, m.to_province
        FROM (SELECT DISTINCT applicant_id, to_province FROM moved_before) m
        CROSS JOIN runs r
        JOIN outcomes o ON o.run_id = r.id AND o.applicant_id = m.applicant_id
        WHERE r.scope = ''
)
ORDER BY a, o, k2, v;

DROP TABLE moved_before;
