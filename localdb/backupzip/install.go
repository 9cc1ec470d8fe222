package backupzip

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"intiqa/localdb"
)

// Check checks the archive at path as Unpack does, in a folder of its
// own under tmpDir ("" for the system's) that it removes, and returns
// its manifest.
func Check(ctx context.Context, path, tmpDir string, progress Progress) (*Manifest, error) {
	parent, err := os.MkdirTemp(tmpDir, ".intiqa-check-*")
	if err != nil {
		return nil, fmt.Errorf("check backup archive: %w", err)
	}
	defer os.RemoveAll(parent)
	st, err := Unpack(ctx, path, filepath.Join(parent, "staged"), UnpackOptions{Progress: progress})
	if err != nil {
		return nil, err
	}
	return st.Manifest, nil
}

// Restore replaces the store at storePath and completes the document
// files in docsDir with the archive at path. The archive is checked
// whole first (Unpack, in a folder beside the store); on any fault the
// store and the files are left as they were. The store must be closed
// everywhere (localdb.ErrStoreInUse otherwise). The replaced store is
// kept under the name Restore returns, as localdb.Restore does.
func Restore(ctx context.Context, path, storePath, docsDir string,
	progress Progress) (kept string, m *Manifest, err error) {
	if err := localdb.CheckClosed(ctx, storePath); err != nil {
		return "", nil, fmt.Errorf("restore backup archive: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(storePath), 0o700); err != nil {
		return "", nil, fmt.Errorf("restore backup archive: %w", err)
	}
	parent, err := os.MkdirTemp(filepath.Dir(storePath), ".intiqa-restore-*")
	if err != nil {
		return "", nil, fmt.Errorf("restore backup archive: %w", err)
	}
	defer os.RemoveAll(parent)
	st, err := Unpack(ctx, path, filepath.Join(parent, "staged"),
		UnpackOptions{Progress: progress, DocsDir: docsDir})
	if err != nil {
		return "", nil, err
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	kept, err = st.Install(ctx, storePath, docsDir)
	return kept, st.Manifest, err
}

// Install puts a staged archive in place: first the document files the
// folder lacks (a file named by its content that is already there and
// matches is kept; one that does not match is replaced), so that the
// store never references a file absent, then the store, with
// localdb.Restore. Files added before a failure are harmless: each is
// named by its content.
func (s *Staged) Install(ctx context.Context, storePath, docsDir string) (kept string, err error) {
	if err := localdb.CheckClosed(ctx, storePath); err != nil {
		return "", fmt.Errorf("install backup: %w", err)
	}
	if err := os.MkdirAll(docsDir, 0o700); err != nil {
		return "", fmt.Errorf("install backup: %w", err)
	}
	for _, d := range s.Manifest.Documents {
		name := filepath.Base(d.Name)
		if s.present[name] {
			continue // checked against the archive by Unpack
		}
		if err := placeFile(filepath.Join(s.docsDir(), name), filepath.Join(docsDir, name),
			d.SHA256); err != nil {
			return "", fmt.Errorf("install backup: document file %s: %w", name, err)
		}
	}
	if err := syncDir(docsDir); err != nil {
		return "", fmt.Errorf("install backup: %w", err)
	}
	kept, err = localdb.Restore(ctx, storePath, s.storePath())
	if err != nil {
		return kept, fmt.Errorf("install backup: %w", err)
	}
	return kept, nil
}

// placeFile moves a checked file to dest unless dest already holds the
// same content.
func placeFile(src, dest, sum string) error {
	if ok, err := hasContent(dest, sum); err != nil || ok {
		return err
	}
	if err := os.Rename(src, dest); err == nil {
		return nil
	}
	// Another file system: copy through a temporary name.
	tmp := dest + ".tmp"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, dest)
}

// hasContent reports whether the file at path exists with the given
// SHA-256.
func hasContent(path, sum string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == sum, nil
}

// copyFile copies src to dst and syncs dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
