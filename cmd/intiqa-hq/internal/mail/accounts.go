package mail

import (
	"context"
	"iter"
	"runtime"
	"sync"

	"intiqa/localdb"
	"intiqa/selection"
)

// accountBatch is how many accounts are read, then hashed together
// spread over the workers, before they are handed on in order; no read
// stays open while they are hashed.
const accountBatch = 256

// TrainingAccounts streams the accounts of the training platform for the
// invited applicants of a run, by applicant ID: the username is the
// e-mail, and the initial password, derived from key as in the
// invitation, is given only as its argon2id hash. Hashing runs on
// workers goroutines (0: one per core).
func TrainingAccounts(ctx context.Context, db *localdb.DB, runID string, key *PasswordKey,
	params HashParams, workers int) iter.Seq2[*selection.TrainingAccount, error] {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return func(yield func(*selection.TrainingAccount, error) bool) {
		after := ""
		for {
			page, err := db.RunApplicantsAfter(ctx, runID, selection.StatusInvited, after,
				accountBatch)
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if len(page) == 0 {
				return
			}
			batch := make([]*selection.TrainingAccount, len(page))
			for i, ao := range page {
				batch[i] = accountOf(ao)
			}
			if err := hashAll(batch, key, params, workers); err != nil {
				yield(nil, err)
				return
			}
			for _, a := range batch {
				if !yield(a, nil) {
					return
				}
			}
			after = page[len(page)-1].Applicant.ID
		}
	}
}

// accountOf is an invited applicant's account, without its hash yet.
func accountOf(ao localdb.ApplicantOutcome) *selection.TrainingAccount {
	a := ao.Applicant
	return &selection.TrainingAccount{ApplicantID: a.ID, Username: a.Email,
		LastName: a.LastName, FirstName: a.FirstName, LastNameAR: a.LastNameAR,
		FirstNameAR: a.FirstNameAR, CommuneCode: ao.Outcome.CommuneCode,
		ProvinceCode: selection.ProvinceOfCommune(ao.Outcome.CommuneCode)}
}

// hashAll sets the password hash of every account, on workers
// goroutines.
func hashAll(accounts []*selection.TrainingAccount, key *PasswordKey, params HashParams,
	workers int) error {
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(accounts); i += workers {
				h, err := HashPassword(key.Password(accounts[i].ApplicantID), params)
				if err != nil {
					errs[w] = err
					return
				}
				accounts[i].PasswordHash = h
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
