package localdb

import (
	"context"

	"intiqa/selection"
)

// GroupBatch is one batch of a group given to ApplyGroup.
type GroupBatch struct {
	From  Pusher
	Items []Pushed
}

// ApplyGroup applies batches as one group of the push queue, as if they
// had all been waiting together, and returns each one's answer.
func ApplyGroup(db *DB, batches []GroupBatch) ([][]selection.DecisionResult, []error) {
	group := make([]*pushRequest, len(batches))
	for i, b := range batches {
		group[i] = &pushRequest{ctx: context.Background(), from: b.From, items: b.Items,
			done: make(chan struct{})}
	}
	db.applyGroup(group)
	results := make([][]selection.DecisionResult, len(group))
	errs := make([]error, len(group))
	for i, req := range group {
		<-req.done
		results[i], errs[i] = req.results, req.err
	}
	return results, errs
}

// WriterTempStore returns the temp_store setting of the writer's
// connection: 2 is memory.
func WriterTempStore(db *DB) (int, error) {
	var v int
	err := db.writer.QueryRow(`PRAGMA temp_store`).Scan(&v)
	return v, err
}
