package main

import (
	"testing"
	"time"
)

// TestBackgroundSyncsSpreadOut draws the waits between background syncs:
// each within a fifth of backgroundSync, and not all alike, so that
// laptops started together drift apart.
func TestBackgroundSyncsSpreadOut(t *testing.T) {
	lo, hi := backgroundSync*4/5, backgroundSync*6/5
	seen := map[time.Duration]bool{}
	minW, maxW := hi, lo
	for range 1000 {
		w := nextBackgroundSync()
		if w < lo || w > hi {
			t.Fatalf("wait %v outside [%v, %v]", w, lo, hi)
		}
		seen[w] = true
		minW, maxW = min(minW, w), max(maxW, w)
	}
	// 1,000 draws over 6 minutes: they cover most of the range.
	if len(seen) < 900 || maxW-minW < backgroundSync/3 {
		t.Errorf("%d distinct waits from %v to %v: not spread", len(seen), minW, maxW)
	}
}
