package localdb

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"intiqa/selection"
)

// Tallies counts, for every commune that is some applicant's first
// choice, its applicants by category, those invited to remote training
// and their document files by review outcome (see
// selection.FileVerdict), by commune code.
func (db *DB) Tallies(ctx context.Context) ([]selection.CommuneTally, error) {
	byCode := map[string]*selection.CommuneTally{}
	var order []string
	tally := func(code string) *selection.CommuneTally {
		t, ok := byCode[code]
		if !ok {
			t = &selection.CommuneTally{CommuneCode: code, Applicants: map[selection.Category]int{}}
			byCode[code] = t
			order = append(order, code)
		}
		return t
	}

	// Applicants by category.
	err := db.each(ctx, `SELECT choice_1, category, count(*) FROM applicants
		GROUP BY choice_1, category ORDER BY choice_1, category`, nil, func(s scanner) error {
		var code string
		var cat selection.Category
		var n int
		if err := s.Scan(&code, &cat, &n); err != nil {
			return err
		}
		tally(code).Applicants[cat] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count applicants: %w", err)
	}

	// Invited: applicants with training progress.
	err = db.each(ctx, `SELECT a.choice_1, count(*) FROM training t
		JOIN applicants a ON a.id = t.applicant_id GROUP BY a.choice_1`, nil,
		func(s scanner) error {
			var code string
			var n int
			if err := s.Scan(&code, &n); err != nil {
				return err
			}
			tally(code).Invited = n
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("count invited: %w", err)
	}

	// Document files by outcome.
	if err := db.eachFileCount(ctx, tally); err != nil {
		return nil, err
	}
	out := make([]selection.CommuneTally, 0, len(order))
	for _, code := range order {
		out = append(out, *byCode[code])
	}
	return out, nil
}

// fileCountQuery counts each commune's document files: one per applicant
// with documents, rejected if any document's latest verdict is, accepted
// if every one's is.
const fileCountQuery = `WITH latest AS (
		SELECT d.applicant_id, coalesce((SELECT r.verdict FROM reviews r
			WHERE r.document_id = d.id ORDER BY r.version DESC LIMIT 1), 'pending') AS verdict
		FROM documents d
	), files AS (
		SELECT applicant_id, max(verdict = 'rejected') AS rejected,
			min(verdict = 'accepted') AS accepted
		FROM latest GROUP BY applicant_id
	)
	SELECT a.choice_1, count(*), sum(f.accepted AND NOT f.rejected), sum(f.rejected)
	FROM files f JOIN applicants a ON a.id = f.applicant_id GROUP BY a.choice_1`

func (db *DB) eachFileCount(ctx context.Context, tally func(string) *selection.CommuneTally) error {
	err := db.each(ctx, fileCountQuery, nil, func(s scanner) error {
		var code string
		var files, accepted, rejected int
		if err := s.Scan(&code, &files, &accepted, &rejected); err != nil {
			return err
		}
		t := tally(code)
		t.Files, t.Accepted, t.Rejected = files, accepted, rejected
		return nil
	})
	if err != nil {
		return fmt.Errorf("count document files: %w", err)
	}
	return nil
}

// DocumentReviews streams every document with its latest review, by
// applicant ID then document ID.
func (db *DB) DocumentReviews(ctx context.Context) iter.Seq2[selection.DocumentReview, error] {
	return func(yield func(selection.DocumentReview, error) bool) {
		rows, err := db.reader.QueryContext(ctx, `SELECT d.id, d.applicant_id, d.kind, d.sha256,
			d.media_type, d.size, d.uploaded_at, r.id, r.verdict, r.reason, r.comment, r.reviewer,
			r.reviewed_at, r.version
			FROM documents d LEFT JOIN reviews r ON r.document_id = d.id
				AND r.version = (SELECT max(version) FROM reviews WHERE document_id = d.id)
			ORDER BY d.applicant_id, d.id`)
		if err != nil {
			yield(selection.DocumentReview{}, fmt.Errorf("list document reviews: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			dr, err := scanDocumentReview(rows)
			if err != nil {
				yield(selection.DocumentReview{}, fmt.Errorf("list document reviews: %w", err))
				return
			}
			if !yield(dr, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(selection.DocumentReview{}, fmt.Errorf("list document reviews: %w", err))
		}
	}
}

func scanDocumentReview(s scanner) (selection.DocumentReview, error) {
	var dr selection.DocumentReview
	d := &dr.Document
	var uploaded string
	var id, verdict, reason, comment, reviewer, reviewed *string
	var version *int
	err := s.Scan(&d.ID, &d.ApplicantID, &d.Kind, &d.SHA256, &d.MediaType, &d.Size, &uploaded,
		&id, &verdict, &reason, &comment, &reviewer, &reviewed, &version)
	if err != nil {
		return dr, err
	}
	if d.UploadedAt, err = parseInstant(uploaded); err != nil {
		return dr, err
	}
	if id == nil {
		return dr, nil
	}
	r := &selection.Review{ID: *id, DocumentID: d.ID, Verdict: selection.Verdict(*verdict),
		Reason: selection.RejectReason(*reason), Comment: *comment, Reviewer: *reviewer,
		Version: *version}
	if r.ReviewedAt, err = parseInstant(*reviewed); err != nil {
		return dr, err
	}
	dr.Latest = r
	return dr, nil
}

// Sessions returns the store's interview sessions, by start time.
func (db *DB) Sessions(ctx context.Context) ([]selection.InterviewSession, error) {
	var out []selection.InterviewSession
	err := db.each(ctx, `SELECT id, province_code, starts_at, place, panel, version
		FROM interview_sessions ORDER BY starts_at, id`, nil, func(s scanner) error {
		x, err := scanSession(s)
		if err == nil {
			out = append(out, *x)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	return out, nil
}

// Runs returns the recorded runs of one kind, newest first.
func (db *DB) Runs(ctx context.Context, kind selection.RunKind) ([]selection.Run, error) {
	var ids []string
	err := db.each(ctx, `SELECT id FROM runs WHERE kind = ? ORDER BY started_at DESC, id`,
		[]any{string(kind)}, func(s scanner) error {
			var id string
			err := s.Scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	out := make([]selection.Run, 0, len(ids))
	for _, id := range ids {
		r, err := db.Run(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

// LatestRubric returns the rubric with the highest version.
func (db *DB) LatestRubric(ctx context.Context) (*selection.Rubric, error) {
	var body string
	err := db.reader.QueryRowContext(ctx, `SELECT body FROM rubrics
		ORDER BY version DESC LIMIT 1`).Scan(&body)
	if err != nil {
		return nil, fmt.Errorf("latest rubric: %w", notFound(err))
	}
	var r selection.Rubric
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return nil, fmt.Errorf("decode rubric: %w", err)
	}
	return &r, nil
}
