package main

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// Log keys of the mail planner.
const (
	keyApplicants = "applicants"
	keyAdded      = "added"
	keyCancelled  = "cancelled"
	keyErr        = "err"
)

// mailPlanner plans the e-mails that the provinces' decisions call for,
// while serve runs: the server hands it the applicants of each applied
// batch, and every interval it plans their notifications in one
// transaction, off the requests' path. Sending stays with `mail send`.
//
// Nothing is lost when the process stops before a planning: at start,
// it plans the decisions' kinds for every applicant, which also takes in
// sync bundles imported meanwhile (planning twice adds nothing).
type mailPlanner struct {
	db    *localdb.DB
	log   *slog.Logger
	every time.Duration

	mu      sync.Mutex
	pending map[string]bool // applicant IDs waiting for a planning
	wake    chan struct{}   // a batch arrived (buffered, one slot)
}

func newMailPlanner(db *localdb.DB, log *slog.Logger, every time.Duration) *mailPlanner {
	return &mailPlanner{db: db, log: log, every: every, pending: map[string]bool{},
		wake: make(chan struct{}, 1)}
}

// add takes the applicants of an applied batch; it never blocks.
func (p *mailPlanner) add(_ string, applicants []string) {
	p.mu.Lock()
	for _, id := range applicants {
		p.pending[id] = true
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run plans everything once, then the pending applicants at most once an
// interval, until ctx is done; it plans what is left before returning.
func (p *mailPlanner) run(ctx context.Context) {
	p.plan(ctx, nil)
	for {
		select {
		case <-ctx.Done():
			p.flush(context.WithoutCancel(ctx))
			return
		case <-p.wake:
		}
		select { // gather the batches of one interval
		case <-ctx.Done():
		case <-time.After(p.every):
		}
		p.flush(context.WithoutCancel(ctx))
	}
}

// flush plans the pending applicants' notifications.
func (p *mailPlanner) flush(ctx context.Context) {
	p.mu.Lock()
	ids := make([]string, 0, len(p.pending))
	for id := range p.pending {
		ids = append(ids, id)
	}
	clear(p.pending)
	p.mu.Unlock()
	if len(ids) > 0 {
		slices.Sort(ids)
		p.plan(ctx, ids)
	}
}

// plan plans the decisions' kinds for the applicants given, or for all
// when ids is nil. A failure is logged: the next planning, or the next
// start, takes it up again.
func (p *mailPlanner) plan(ctx context.Context, ids []string) {
	res, err := p.db.PlanNotifications(ctx, "mail-planner", selection.PlanOptions{
		Kinds: selection.DecisionNotificationKinds, Applicants: ids})
	if err != nil {
		p.log.Error("plan notifications", keyErr, err, keyApplicants, len(ids))
		return
	}
	p.log.Info("notifications planned", keyApplicants, len(ids),
		keyAdded, sum(res.Added), keyCancelled, sum(res.Cancelled))
}

func sum[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
