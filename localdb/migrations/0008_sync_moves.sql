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
--     applicant first.
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
END;
