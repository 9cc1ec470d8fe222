-- The outbox of e-mails to applicants, kept at headquarters only. A
-- notification is planned once per applicant, kind and event key (the
-- run, session, review or withdrawal it tells of): planning again adds
-- nothing. Its message is rendered when it is sent, from the facts below
-- and the applicant's current record; no rendered message, and no
-- password, is ever stored. A pending notification whose fact no longer
-- holds when planning runs again (a convocation moved, a rejection
-- reviewed) is cancelled, never sent.

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    applicant_id    TEXT NOT NULL REFERENCES applicants (id),
    kind            TEXT NOT NULL,
    event_key       TEXT NOT NULL,
    lang            TEXT NOT NULL CHECK (lang IN ('fr', 'ar', 'fr+ar')),
    facts           TEXT NOT NULL, -- JSON of selection.NotificationFacts
    status          TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (applicant_id, kind, event_key)
) STRICT;

-- The sender takes the oldest due pending notification first; planning
-- cancels pending notifications kind by kind.
CREATE INDEX notifications_due ON notifications (status, next_attempt_at, id);
CREATE INDEX notifications_kind ON notifications (kind, status);

-- Lookups of planning: the candidates who withdrew from a final
-- selection, and an applicant's convocations.
CREATE INDEX IF NOT EXISTS notifications_withdrawals_run ON withdrawals (run_id, applicant_id);
CREATE INDEX IF NOT EXISTS notifications_convocations_applicant ON convocations (applicant_id);
