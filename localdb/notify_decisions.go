package localdb

import (
	"context"
	"fmt"
	"slices"

	"intiqa/selection"
)

// AppliedApplicants returns, sorted and once each, the applicants whose
// notifications the applied decisions of a pushed batch may change:
// those a convocation, an attendance or a score sheet names, the owners
// of reviewed documents, the candidates of a final selection, and the
// withdrawn and their replacements. results answers items, one by one,
// as ApplyDecisions returned them.
func (db *DB) AppliedApplicants(ctx context.Context, items []Pushed,
	results []selection.DecisionResult) ([]string, error) {
	if len(items) != len(results) {
		return nil, fmt.Errorf("applied applicants: %d decisions, %d answers", len(items), len(results))
	}
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" {
			seen[id] = true
		}
	}
	var docs []string
	for i, it := range items {
		if results[i].Status != selection.DecisionApplied {
			continue
		}
		switch v := it.value.(type) {
		case *selection.Review:
			docs = append(docs, v.DocumentID)
		case *selection.Convocation:
			add(v.ApplicantID)
		case *selection.Attendance:
			add(v.ApplicantID)
		case *selection.ScoreSheet:
			add(v.ApplicantID)
		case *selection.FinalRunData:
			for _, o := range v.Outcomes {
				add(o.ApplicantID)
			}
		case *selection.Withdrawal:
			add(v.ApplicantID)
			add(v.ReplacedBy)
		}
	}
	owners, err := db.documentOwners(ctx, docs)
	if err != nil {
		return nil, err
	}
	for _, id := range owners {
		add(id)
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// documentOwners returns the applicants the documents belong to.
func (db *DB) documentOwners(ctx context.Context, docs []string) ([]string, error) {
	var out []string
	const chunk = 500 // under SQLite's limit of bound parameters
	for start := 0; start < len(docs); start += chunk {
		part := docs[start:min(start+chunk, len(docs))]
		args := make([]any, len(part))
		for i, d := range part {
			args[i] = d
		}
		err := db.each(ctx, `SELECT DISTINCT applicant_id FROM documents WHERE id IN (`+
			marks("?", len(part))+`)`, args, func(s scanner) error {
			var id string
			err := s.Scan(&id)
			out = append(out, id)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("read documents' applicants: %w", err)
		}
	}
	return out, nil
}
