package localdb_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// TestCheckpointerCopiesTheLogInTheBackground writes to a store and
// watches its database file: commits only append to the log, so the file
// grows only when the checkpointer copies the log into it.
func TestCheckpointerCopiesTheLogInTheBackground(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	before := fileSize(t, hq.Path())
	docs := make([]selection.Document, 3000)
	for i := range docs {
		docs[i] = selection.Document{ID: fmt.Sprintf("D%05d", i), ApplicantID: "A1",
			Kind: selection.DocCIN, SHA256: fmt.Sprintf("%064x", i+1), MediaType: "image/png",
			Size: 10, UploadedAt: decided}
	}
	if err := hq.PutDocuments(ctx, "hq", docs); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, hq.Path()) <= before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes for 10 s after a commit", before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
