package localdb

import (
	"context"
	gosync "sync"

	"intiqa/selection"
)

// maxGroupDecisions bounds the decisions of the batches one transaction
// applies together: a batch's answer waits for its group's commit.
const maxGroupDecisions = 8000

// pushQueue applies pushed batches in groups. A busy headquarters has
// laptops waiting behind the one SQLite writer; each commit writes to the
// log every page its transaction touched, and the batches of laptops
// pushing at once touch the same pages of the same indexes. Applying the
// batches that wait in one transaction, one after the other, writes those
// pages once for all (see applyGroup).
type pushQueue struct {
	mu      gosync.Mutex
	waiting []*pushRequest
	running bool // a goroutine is applying groups
}

// pushRequest is one batch waiting in the queue, and its answer.
type pushRequest struct {
	ctx     context.Context
	from    Pusher
	items   []Pushed
	done    chan struct{} // closed once results or err is set
	results []selection.DecisionResult
	err     error
}

// apply queues a batch and waits for its answer.
func (q *pushQueue) apply(ctx context.Context, db *DB, from Pusher,
	items []Pushed) ([]selection.DecisionResult, error) {
	req := &pushRequest{ctx: ctx, from: from, items: items, done: make(chan struct{})}
	q.mu.Lock()
	q.waiting = append(q.waiting, req)
	if !q.running {
		q.running = true
		go q.run(db)
	}
	q.mu.Unlock()
	<-req.done
	return req.results, req.err
}

// run applies groups of waiting batches until none waits.
func (q *pushQueue) run(db *DB) {
	for {
		group := q.next()
		if len(group) == 0 {
			return
		}
		db.applyGroup(group)
	}
}

// next takes the batches of the next group off the queue, oldest first:
// at least one, and more while they fit in maxGroupDecisions. Batches
// whose request has ended are answered with its error and left out. It
// returns none, and marks the queue idle, when none waits.
func (q *pushQueue) next() []*pushRequest {
	q.mu.Lock()
	defer q.mu.Unlock()
	var group []*pushRequest
	n := 0
	for len(q.waiting) > 0 {
		req := q.waiting[0]
		if err := req.ctx.Err(); err != nil {
			q.waiting = q.waiting[1:]
			req.answer(nil, err)
			continue
		}
		if len(group) > 0 && n+len(req.items) > maxGroupDecisions {
			break
		}
		q.waiting = q.waiting[1:]
		group = append(group, req)
		n += len(req.items)
	}
	if len(group) == 0 {
		q.waiting, q.running = nil, false
	}
	return group
}

func (req *pushRequest) answer(results []selection.DecisionResult, err error) {
	req.results, req.err = results, err
	close(req.done)
}

// applyGroup applies a group of batches in one transaction, one after
// the other. A batch refused, or failing, cannot leave its writes behind
// in a transaction the others commit; then the transaction is rolled
// back and each batch of the group applies alone, in a transaction of
// its own. Savepoints would keep the others' work, but SQLite copies
// every page a savepoint changes to a journal of its own: they cost more
// than the rare batch that fails.
func (db *DB) applyGroup(group []*pushRequest) {
	if len(group) > 1 {
		results := make([][]selection.DecisionResult, len(group))
		err := db.update(context.Background(), "sync", func(tx *Tx) error {
			for i, req := range group {
				var err error
				if results[i], err = tx.applyBatch(req.from, req.items); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			for i, req := range group {
				req.answer(results[i], nil)
			}
			return
		}
	}
	// The transaction does not end with the request: a batch taken up
	// applies whole even when its laptop hangs up.
	for _, req := range group {
		var results []selection.DecisionResult
		err := db.update(context.Background(), "sync", func(tx *Tx) error {
			var err error
			results, err = tx.applyBatch(req.from, req.items)
			return err
		})
		req.answer(results, err)
	}
}
