package localdb

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"intiqa/selection"
	"intiqa/selection/office"
)

// ErrCorruptFile is returned for a document file whose bytes do not
// match its SHA-256.
var ErrCorruptFile = errors.New("document file does not match its SHA-256")

// Files is a folder of document files, each named by its SHA-256 and an
// extension from its media type. The app keeps it beside its store.
type Files struct {
	Dir string
}

var _ office.Files = Files{}

// Path returns where a document's file lies.
func (f Files) Path(d *selection.Document) (string, error) {
	if len(d.SHA256) != 64 {
		return "", fmt.Errorf("document %s: no SHA-256", d.ID)
	}
	return filepath.Join(f.Dir, d.FileName()), nil
}

// Read returns a document's bytes after checking them against its
// SHA-256.
func (f Files) Read(d *selection.Document) ([]byte, error) {
	p, err := f.Path(d)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read document %s: %w", d.ID, err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != d.SHA256 {
		return nil, fmt.Errorf("document %s: %w", d.ID, ErrCorruptFile)
	}
	return b, nil
}

// Write stores a document's bytes under their SHA-256, unless the file
// is there already; it writes to a temporary name first, so that a
// crash leaves no partial file under the final name.
func (f Files) Write(d *selection.Document, b []byte) error {
	p, err := f.Path(d)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return fmt.Errorf("create documents folder: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write document %s: %w", d.ID, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("write document %s: %w", d.ID, err)
	}
	return nil
}
