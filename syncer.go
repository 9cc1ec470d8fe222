package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	gosync "sync"
	"time"

	"github.com/go-resty/resty/v2"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/office"
	"intiqa/sync"
	"intiqa/ui"
)

// backgroundSync is how often, on average, an enrolled laptop tries to
// sync by itself while the app runs.
const backgroundSync = 15 * time.Minute

// nextBackgroundSync returns the wait before the next background sync:
// backgroundSync give or take a fifth, drawn anew each time. Laptops
// started together, as an office's are in the morning, would otherwise
// all push at the same moments; spread out, headquarters answers each
// push at once instead of queueing them.
func nextBackgroundSync() time.Duration {
	spread := int64(backgroundSync / 5)
	return backgroundSync - time.Duration(spread) + time.Duration(rand.Int64N(2*spread+1))
}

// syncer is the sync client as the window uses it: its state for the
// status bar, sync now, the conflicts queue, and the progress of the
// document downloads.
type syncer struct {
	c   *sync.Client
	db  *localdb.DB
	svc *office.Service
	log *slog.Logger

	mu                    gosync.Mutex
	filesDone, filesTotal int
}

var _ ui.Syncer = (*syncer)(nil)

// State returns the client's status and the downloads' progress.
func (s *syncer) State() ui.SyncState {
	st, err := s.c.Status(context.Background())
	out := ui.SyncState{Pending: st.Pending, LastSync: st.LastSuccess, Running: st.Running,
		Conflicts: st.Conflicts}
	out.Failed = st.LastError != ""
	if err != nil {
		s.log.Warn("sync status", keyErr, err)
	}
	s.mu.Lock()
	out.FilesDone, out.FilesTotal = s.filesDone, s.filesTotal
	s.mu.Unlock()
	return out
}

// SyncNow pushes, pulls and downloads, if the user's role may sync.
func (s *syncer) SyncNow(ctx context.Context, progress func(ui.Progress)) error {
	if _, err := s.svc.Authorize(office.ActSync); err != nil {
		return err
	}
	return s.run(ctx, progress)
}

// run syncs, reporting progress, and makes the service read again what
// the pull changed.
func (s *syncer) run(ctx context.Context, progress func(ui.Progress)) error {
	err := s.c.Sync(ctx, func(p sync.Progress) {
		if p.Stage == sync.StageDocuments {
			s.mu.Lock()
			s.filesDone, s.filesTotal = p.Done, p.Total
			s.mu.Unlock()
		}
		progress(ui.Progress{Step: ui.StepSync, Done: p.Done, Total: p.Total})
	})
	s.svc.Forget()
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

// Conflicts lists the conflicts waiting for a supervisor.
func (s *syncer) Conflicts(ctx context.Context) ([]ui.Conflict, error) {
	cs, err := s.c.Conflicts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ui.Conflict, len(cs))
	for i, c := range cs {
		out[i] = ui.Conflict{ID: c.ID, ApplicantID: c.Key, What: string(c.Kind),
			Local: compact(c.Mine), Remote: compact(c.Theirs), RemoteBy: c.By,
			RemoteAt: c.DetectedAt}
		switch c.Kind {
		case selection.KindFinalRun:
			out[i].Final = s.finalConflict(ctx, c)
		case selection.KindReview:
			if out[i].Review = s.reviewConflict(ctx, c); out[i].Review != nil {
				out[i].ApplicantID = out[i].Review.ApplicantID
			}
		}
		if c.Status == selection.DecisionRejected {
			out[i].Reason = c.Reason
		}
	}
	return out, nil
}

// Identity reads the laptop's token ID and, once headquarters registered
// it, the fingerprint of its bundle-signing key.
func (s *syncer) Identity(ctx context.Context) (ui.SyncIdentity, error) {
	enr := s.c.Enrollment()
	id := ui.SyncIdentity{Province: enr.Province, TokenID: localdb.TokenID(enr.Token)}
	keys, err := s.db.BundleKeys(ctx)
	switch {
	case errors.Is(err, localdb.ErrNoKey):
		return id, nil
	case err != nil:
		return id, err
	}
	id.Key = localdb.KeyFingerprint(keys.Private.Public().(ed25519.PublicKey))
	return id, nil
}

// compact shows a decision's JSON on one line, shortened.
func compact(raw json.RawMessage) string {
	s := string(raw)
	if len(s) > 120 {
		s = s[:117] + "…"
	}
	return s
}

// Resolve settles a conflict, if the user's role may.
func (s *syncer) Resolve(ctx context.Context, id string, keepLocal bool) error {
	u, err := s.svc.Authorize(office.ActResolveConflicts)
	if err != nil {
		return err
	}
	choice := selection.KeepTheirs
	if keepLocal {
		choice = selection.KeepMine
	}
	return s.c.Resolve(ctx, u.Name, id, choice)
}

// ExportBundle writes the outbox to a signed bundle for headquarters, if
// the user's role may sync.
func (s *syncer) ExportBundle(ctx context.Context, w io.Writer) (int, error) {
	if _, err := s.svc.Authorize(office.ActSync); err != nil {
		return 0, err
	}
	n, err := sync.ExportBundle(ctx, s.db, w)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", bundleError(err))
	}
	return n, nil
}

// ImportBundle applies a bundle headquarters wrote for this laptop, if
// the user's role may sync.
func (s *syncer) ImportBundle(ctx context.Context, r io.Reader) (ui.BundleResult, error) {
	u, err := s.svc.Authorize(office.ActSync)
	if err != nil {
		return ui.BundleResult{}, err
	}
	sum, err := sync.ImportBundle(ctx, s.db, u.Name, r)
	s.svc.Forget()
	if err != nil {
		return ui.BundleResult{}, fmt.Errorf("import bundle: %w", bundleError(err))
	}
	if _, err := s.c.PruneDocuments(ctx); err != nil {
		s.log.Warn("prune document files", keyErr, err)
	}
	return ui.BundleResult{Answers: sum.Answers, Changes: sum.Changes}, nil
}

// bundleError marks a refused bundle with the window's error that tells
// the user what to do.
func bundleError(err error) error {
	switch {
	case errors.Is(err, sync.ErrBadSignature):
		return fmt.Errorf("%w: %w", ui.ErrBundleRefused, err)
	case errors.Is(err, sync.ErrOldBundle):
		return fmt.Errorf("%w: %w", ui.ErrBundleOld, err)
	case errors.Is(err, sync.ErrNoBundleKey):
		return fmt.Errorf("%w: %w", ui.ErrBundleNoKey, err)
	}
	return err
}

// background tries a sync about every backgroundSync until ctx ends; the
// client records each outcome for the status bar.
func (s *syncer) background(ctx context.Context) {
	t := time.NewTimer(nextBackgroundSync())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.run(ctx, func(ui.Progress) {}); err != nil {
				s.log.Info("background sync", keyErr, err)
			}
			t.Reset(nextBackgroundSync())
		}
	}
}

// probeEnrollment asks headquarters which province and role a token is
// for, before the laptop's store exists: the store is created with that
// province, then enrolled (sync.Enroll checks the token again).
func probeEnrollment(ctx context.Context, url, token string) (*sync.EnrollmentInfo, error) {
	var info sync.EnrollmentInfo
	resp, err := resty.New().SetBaseURL(url).SetAuthToken(token).SetTimeout(time.Minute).R().
		SetContext(ctx).SetResult(&info).SetError(&sync.ErrorBody{}).Get(sync.PathEnrollment)
	switch {
	case err != nil:
		return nil, fmt.Errorf("reach headquarters: %w", err)
	case resp.IsError():
		return nil, fmt.Errorf("enrollment refused by headquarters: %s", resp.Status())
	case info.Province == "":
		return nil, fmt.Errorf("enrollment: headquarters named no province")
	}
	return &info, nil
}

// syncOptions are the sync client's settings on a laptop.
func syncOptions(log *slog.Logger) sync.Options {
	return sync.Options{Logger: log}
}

// openSync returns the sync client of an enrolled store, or nil for a
// store never enrolled.
func openSync(db *localdb.DB, docs string, svc *office.Service, log *slog.Logger) (*syncer, error) {
	c, err := sync.NewClient(db, docs, syncOptions(log))
	if err != nil {
		return nil, err
	}
	return &syncer{c: c, db: db, svc: svc, log: log}, nil
}
