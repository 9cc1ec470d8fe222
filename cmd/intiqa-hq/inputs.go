package main

import (
	"context"
	"fmt"
	"iter"
	"os"

	"intiqa/assets"
	"intiqa/localdb"
	"intiqa/reports/xlsx"
	"intiqa/selection"
)

// selectionSource says where a pre-selection's applicants and needs come
// from: a store, or the two contract files.
type selectionSource struct {
	db         string
	applicants string
	needs      string
}

// check reports a source given both ways, or neither.
func (s selectionSource) check() error {
	files := s.applicants != "" || s.needs != ""
	switch {
	case s.db != "" && files:
		return fmt.Errorf("%w : --db, ou --applicants et --needs, pas les deux", errUsage)
	case s.db == "" && (s.applicants == "" || s.needs == ""):
		return fmt.Errorf("%w : --db, ou --applicants et --needs, attendus", errUsage)
	}
	return nil
}

// selectionInputs are the applicants and needs a pre-selection runs on.
type selectionInputs struct {
	applicants []*selection.Applicant
	needs      []selection.Need
	scope      string // the store's province, "" for national or files
}

// loadInputs reads the source's applicants and needs. Faulty contract
// files come back as *selection.InvalidFileError, every fault located.
func loadInputs(ctx context.Context, src selectionSource) (*selectionInputs, error) {
	if src.db != "" {
		return loadStoreInputs(ctx, src.db)
	}
	terr, err := assets.Territory()
	if err != nil {
		return nil, err
	}
	in := &selectionInputs{}
	if in.applicants, err = readApplicantsFile(ctx, src.applicants, terr); err != nil {
		return nil, err
	}
	if in.needs, err = readNeedsFile(src.needs, terr); err != nil {
		return nil, err
	}
	return in, nil
}

// loadStoreInputs reads every applicant and need of an existing store.
func loadStoreInputs(ctx context.Context, path string) (*selectionInputs, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("base %s introuvable : %w", path, err)
	}
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		return nil, fmt.Errorf("ouverture de la base %s : %w", path, err)
	}
	defer db.Close()
	in := &selectionInputs{scope: db.Scope()}
	for a, err := range db.Applicants(ctx, localdb.ApplicantFilter{}) {
		if err != nil {
			return nil, fmt.Errorf("lecture des candidats : %w", err)
		}
		in.applicants = append(in.applicants, a)
	}
	if in.needs, err = db.Needs(ctx); err != nil {
		return nil, fmt.Errorf("lecture des besoins : %w", err)
	}
	return in, nil
}

// readApplicantsFile reads applicants.xlsx, checked as an import into a
// national store would check it.
func readApplicantsFile(ctx context.Context, name string,
	terr *selection.Territory) ([]*selection.Applicant, error) {
	r, err := xlsx.OpenApplicants(name, xlsx.DefaultLimits())
	if err != nil {
		return nil, err
	}
	defer r.Close()
	checker := selection.NewApplicantRowChecker(terr, "", nil)
	return readChecked(ctx, r.Source(), r.Rows(), checker.Check)
}

// readNeedsFile reads needs.xlsx, checked as an import would check it.
func readNeedsFile(name string, terr *selection.Territory) ([]selection.Need, error) {
	r, err := xlsx.OpenNeeds(name, xlsx.DefaultLimits())
	if err != nil {
		return nil, err
	}
	defer r.Close()
	checker := selection.NewNeedRowChecker(terr, "")
	needs, err := readChecked(context.Background(), r.Source(), r.Rows(), checker.Check)
	if err != nil {
		return nil, err
	}
	out := make([]selection.Need, len(needs))
	for i, n := range needs {
		out[i] = *n
	}
	return out, nil
}

// readChecked gathers the values of rows, each checked by check; any
// fault makes it return every fault (up to the report's cap) instead.
func readChecked[T any](ctx context.Context, src selection.Source,
	rows iter.Seq2[selection.Row[T], error],
	check func(selection.Row[T]) []*selection.FieldError) ([]T, error) {
	invalid := &selection.InvalidFileError{}
	var out []T
	for row, err := range rows {
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, fe := range check(row) {
			invalid.Add(selection.FieldRowError(src, row.Line, fe))
		}
		if invalid.Total == 0 {
			out = append(out, row.Value)
		}
	}
	if invalid.Total > 0 {
		return nil, invalid
	}
	return out, nil
}
