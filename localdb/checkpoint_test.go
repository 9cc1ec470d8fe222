package localdb_test

import (
	"os"
	"testing"
	"time"

	"intiqa/localdb"
)

// TestCheckpointerCopiesTheLogInTheBackground writes to a store and
// watches its database file: commits only append to the log, so the file
// grows only when the checkpointer copies the log into it.
func TestCheckpointerCopiesTheLogInTheBackground(t *testing.T) {
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	before := fileSize(t, hq.Path())
	mustDocumentsOfA1(t, hq, 3000)
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
