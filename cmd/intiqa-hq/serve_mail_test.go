package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail/mailtest"
	"intiqa/selection"
)

// TestMailPlanner runs the planner of serve on a store holding the
// provinces' decisions: at start it plans them for everyone; handed the
// applicants of a batch, it plans theirs within its interval; stopped,
// it plans what is pending before it returns.
func TestMailPlanner(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	ctx, stop := context.WithCancel(context.Background())
	p := newMailPlanner(db, slog.New(slog.DiscardHandler), 20*time.Millisecond)
	done := make(chan struct{})
	go func() { p.run(ctx); close(done) }()

	// The planning at start takes in every decision already there.
	decisionKinds := func() int {
		c, err := db.NotificationCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range selection.DecisionNotificationKinds {
			n += c.ByKind[k][selection.NotificationPending]
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for decisionKinds() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	planned := decisionKinds()
	if planned == 0 {
		t.Fatal("the planner planned nothing at start")
	}

	// Handed applicants whose decisions are all planned, it adds nothing,
	// and stopping flushes without error.
	p.add("12.066", fx.French[:])
	time.Sleep(60 * time.Millisecond)
	p.add("12.066", fx.NotFrench[:])
	stop()
	<-done
	if got := decisionKinds(); got != planned {
		t.Errorf("planning the same applicants again: %d pending, then %d", planned, got)
	}
	if len(p.pending) != 0 {
		t.Errorf("%d applicants left pending after the planner stopped", len(p.pending))
	}
}
