package localdb

import (
	"context"
	"fmt"

	"intiqa/selection"
)

// progressQuery gives, for every pair of region and category, the
// figures of SEED.md: applicants; invited by the latest pre-selection
// (of the nation, or of a province);
// application files (applicants who uploaded documents), examined ones
// (every document's latest review is a verdict) split into accepted (all
// accepted) and rejected (one rejected), and pending; candidates who came
// to their interview; candidates selected by the latest committed final
// selection of their province, after withdrawals and replacements.
const progressQuery = `
WITH latest AS (
    SELECT r.document_id, r.verdict FROM reviews r
    WHERE r.version = (SELECT max(version) FROM reviews WHERE document_id = r.document_id)
), files AS (
    SELECT d.applicant_id,
        count(*) AS docs,
        sum(coalesce(l.verdict, '') = 'accepted') AS accepted,
        sum(coalesce(l.verdict, '') = 'rejected') AS rejected
    FROM documents d LEFT JOIN latest l ON l.document_id = d.id
    GROUP BY d.applicant_id
), pre AS (
    SELECT r.id FROM runs r WHERE r.kind = 'preselection'
    AND NOT EXISTS (SELECT 1 FROM runs q WHERE q.kind = 'preselection' AND q.scope = r.scope
        AND (q.committed_at, q.started_at, q.id) > (r.committed_at, r.started_at, r.id))
), invited AS (
    SELECT DISTINCT o.applicant_id FROM outcomes o JOIN pre ON pre.id = o.run_id
    WHERE o.status = 'invited'
), finals AS (
    SELECT r.id FROM runs r WHERE r.kind = 'final' AND r.committed_at != ''
    AND NOT EXISTS (SELECT 1 FROM runs q WHERE q.kind = 'final' AND q.scope = r.scope
        AND q.committed_at != '' AND (q.committed_at > r.committed_at
        OR (q.committed_at = r.committed_at AND q.id > r.id)))
), selected AS (
    SELECT o.applicant_id FROM outcomes o JOIN finals f ON f.id = o.run_id
    WHERE o.status = 'selected'
    AND o.applicant_id NOT IN (SELECT w.applicant_id FROM withdrawals w WHERE w.run_id = f.id)
    UNION
    SELECT w.replaced_by FROM withdrawals w JOIN finals f ON f.id = w.run_id
    WHERE w.replaced_by != ''
), interviewed AS (
    SELECT DISTINCT applicant_id FROM attendance WHERE present = 1
)
SELECT p.region_code, a.category, count(*),
    count(i.applicant_id),
    count(f.applicant_id),
    sum(f.docs IS NOT NULL AND f.rejected = 0 AND f.accepted = f.docs),
    sum(f.docs IS NOT NULL AND f.rejected > 0),
    count(v.applicant_id),
    count(s.applicant_id)
FROM applicants a
JOIN provinces p ON p.code = a.province_code
LEFT JOIN invited i ON i.applicant_id = a.id
LEFT JOIN files f ON f.applicant_id = a.id
LEFT JOIN interviewed v ON v.applicant_id = a.id
LEFT JOIN selected s ON s.applicant_id = a.id
GROUP BY p.region_code, a.category`

// Progress computes the national progress of the recruitment from what
// the store holds, by region and by category.
func (db *DB) Progress(ctx context.Context) (*selection.ProgressReport, error) {
	rep := &selection.ProgressReport{At: db.now().UTC(),
		ByRegion: map[string]selection.ProgressFigures{}, ByCategory: map[string]selection.ProgressFigures{}}
	err := db.each(ctx, progressQuery, nil, func(s scanner) error {
		var region, category string
		var p selection.ProgressFigures
		err := s.Scan(&region, &category, &p.Applicants, &p.Invited, &p.WithFiles, &p.Accepted,
			&p.Rejected, &p.Interviewed, &p.Selected)
		if err != nil {
			return err
		}
		p.Examined = p.Accepted + p.Rejected
		p.Pending = p.WithFiles - p.Examined
		rep.ByRegion[region] = addProgress(rep.ByRegion[region], p)
		rep.ByCategory[category] = addProgress(rep.ByCategory[category], p)
		rep.National = addProgress(rep.National, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compute progress: %w", err)
	}
	if rep.Mail, err = db.NotificationCounts(ctx); err != nil {
		return nil, fmt.Errorf("compute progress: %w", err)
	}
	return rep, nil
}

func addProgress(a, b selection.ProgressFigures) selection.ProgressFigures {
	return selection.ProgressFigures{
		Applicants: a.Applicants + b.Applicants, Invited: a.Invited + b.Invited,
		WithFiles: a.WithFiles + b.WithFiles, Examined: a.Examined + b.Examined,
		Accepted: a.Accepted + b.Accepted, Rejected: a.Rejected + b.Rejected,
		Pending: a.Pending + b.Pending, Interviewed: a.Interviewed + b.Interviewed,
		Selected: a.Selected + b.Selected,
	}
}
