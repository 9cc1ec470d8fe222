package localdb_test

import (
	"bytes"
	"context"
	"testing"

	"intiqa/selection"
)

// TestCurrentRules returns the shipped rules until headquarters
// publishes others, then the latest published.
func TestCurrentRules(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, "")
	r, err := db.CurrentRules(ctx)
	if err != nil || r.Hash() != selection.DefaultRules().Hash() {
		t.Fatalf("before publishing: %v, %v", r, err)
	}
	body := bytes.Replace(selection.DefaultRulesJSON(), []byte(`"version": "2024.1"`),
		[]byte(`"version": "2024.2"`), 1)
	if _, err := db.PublishRules(ctx, "hq", body); err != nil {
		t.Fatal(err)
	}
	r, err = db.CurrentRules(ctx)
	if err != nil || r.Version != "2024.2" {
		t.Errorf("after publishing 2024.2: %+v, %v", r, err)
	}
}
