-- A province's final selection is one record for sync, keyed
-- 'final/<province>', whose version is the ID of the run in force (see
-- localdb/sync_final.go). Before, each final run was a record of its own,
-- keyed by its ID, whose version was the ID of the decision that wrote it.

-- The run in force of each province: its latest final run that synced
-- (that has a version), as LatestRun orders them.
INSERT INTO sync_heads (kind, key, version)
SELECT 'final_run', 'final/' || r.scope, r.id FROM runs r
WHERE r.kind = 'final' AND r.scope != '' AND r.id = (
    SELECT l.id FROM runs l JOIN sync_heads h ON h.kind = 'final_run' AND h.key = l.id
    WHERE l.kind = 'final' AND l.scope = r.scope
    ORDER BY coalesce(nullif(l.committed_at, ''), l.started_at) DESC, l.id DESC LIMIT 1)
ON CONFLICT (kind, key) DO NOTHING;
DELETE FROM sync_heads WHERE kind = 'final_run' AND key NOT LIKE 'final/%';

-- A laptop's final runs waiting to be pushed, or refused, are taken on
-- their province's final selection. One waiting is based on the latest
-- run of its province that is not waiting itself.
UPDATE sync_outbox SET key = 'final/' || json_extract(data, '$.Run.Scope'),
    base = coalesce((SELECT r.id FROM runs r
        WHERE r.kind = 'final' AND r.scope = json_extract(sync_outbox.data, '$.Run.Scope')
        AND r.id NOT IN (SELECT json_extract(o.data, '$.Run.ID') FROM sync_outbox o
            WHERE o.kind = 'final_run')
        ORDER BY coalesce(nullif(r.committed_at, ''), r.started_at) DESC, r.id DESC LIMIT 1), '')
WHERE kind = 'final_run';
UPDATE sync_conflicts SET key = 'final/' || json_extract(mine, '$.Run.Scope')
WHERE kind = 'final_run';
