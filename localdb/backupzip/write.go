// Package backupzip writes and restores Intiqa's backup archives: one
// .zip file that holds a consistent snapshot of a store (taken while the
// store stays in use), the document files the snapshot references, and
// a manifest naming Intiqa's version, the store's scope, the head of
// its audit chain and the size and SHA-256 of every member.
//
// A restore checks the whole archive (the manifest, every member's
// SHA-256, the store's integrity and audit chain, every document's
// content against its name) into a folder of its own before it changes
// anything, so that a corrupted or truncated archive is refused with the
// current store and files untouched.
//
// The package uses no display: the desktop app and the headquarters
// program can both use it.
package backupzip

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"intiqa/assets"
	"intiqa/localdb"
	"intiqa/selection"
)

// Format names the archive's layout, recorded in its manifest.
const Format = "intiqa-backup/1"

// The archive's members.
const (
	manifestName = "manifest.json"
	storeName    = "intiqa.db"
	docsPrefix   = "documents/"
)

// ErrBadArchive is returned for a file that is not a sound Intiqa backup
// archive: not a zip, truncated, a member missing, extra or altered, or
// a store that fails its checks.
var ErrBadArchive = errors.New("not a sound Intiqa backup archive")

// Member is one file of the archive as the manifest records it.
type Member struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest describes an archive: what wrote it, what store it holds and
// every member with its SHA-256.
type Manifest struct {
	Format    string    `json:"format"`
	Version   string    `json:"version"` // Intiqa's version that wrote it
	Kind      string    `json:"kind"`    // the caller's word for the store, e.g. "laptop"
	CreatedAt time.Time `json:"created_at"`
	Scope     string    `json:"scope"` // the store's province, "" for national
	// AuditEntries and AuditHead are the store's audit chain, checked.
	AuditEntries int64    `json:"audit_entries"`
	AuditHead    string   `json:"audit_head"`
	Store        Member   `json:"store"`
	Documents    []Member `json:"documents"`
	// Missing lists, by SHA-256, the document files the store references
	// that were not on the computer (not downloaded yet) or did not match
	// their SHA-256 when the archive was written.
	Missing []string `json:"missing,omitempty"`
}

// Progress reports how many of an archive's files are done.
type Progress func(done, total int)

// Options tune Write.
type Options struct {
	Kind     string           // recorded in the manifest
	Now      func() time.Time // time.Now when nil
	Progress Progress         // nil for none
}

// Write writes an archive of the open store db and of its document
// files in docsDir to dest, while db stays open for reads and writes.
// The store's snapshot holds every transaction committed before Write
// began (see localdb.DB.Backup). The archive is written beside dest,
// synced, then renamed to dest, so dest is either the whole archive or
// untouched.
func Write(ctx context.Context, db *localdb.DB, docsDir, dest string, opts Options) (
	*Manifest, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Progress == nil {
		opts.Progress = func(int, int) {}
	}
	work, err := os.MkdirTemp(filepath.Dir(dest), ".intiqa-backup-*")
	if err != nil {
		return nil, fmt.Errorf("write backup archive: %w", err)
	}
	defer os.RemoveAll(work)

	// The store's snapshot, checked, and the documents it references.
	snap := filepath.Join(work, storeName)
	info, err := db.Backup(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("write backup archive: %w", err)
	}
	docs, err := localdb.BackupDocuments(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("write backup archive: %w", err)
	}
	m := &Manifest{Format: Format, Version: assets.Version, Kind: opts.Kind,
		CreatedAt: opts.Now().UTC().Truncate(time.Second), Scope: info.Scope,
		AuditEntries: info.AuditEntries, AuditHead: info.AuditHead}

	// The members, then the manifest, into a file that takes dest's
	// name only when whole.
	tmp := filepath.Join(work, "archive.zip")
	if err := writeZip(ctx, tmp, snap, docsDir, fileNames(docs), m, opts.Progress); err != nil {
		return nil, fmt.Errorf("write backup archive: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return nil, fmt.Errorf("write backup archive: %w", err)
	}
	if err := syncDir(filepath.Dir(dest)); err != nil {
		return nil, fmt.Errorf("write backup archive: %w", err)
	}
	return m, nil
}

// fileNames returns the distinct file names of documents, in order.
func fileNames(docs []selection.Document) []docFile {
	seen := map[string]bool{}
	var out []docFile
	for i := range docs {
		name := docs[i].FileName()
		if len(docs[i].SHA256) != 64 || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, docFile{name: name, sha: docs[i].SHA256})
	}
	return out
}

// docFile is a document file the store references.
type docFile struct{ name, sha string }

// writeZip writes the archive's members to path and fills in m.
func writeZip(ctx context.Context, path, snap, docsDir string, docs []docFile, m *Manifest,
	progress Progress) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	total := len(docs) + 1

	// The store, compressed: its pages shrink well.
	progress(0, total)
	if m.Store, err = addFile(zw, storeName, snap, zip.Deflate, m.CreatedAt); err != nil {
		return fmt.Errorf("add store: %w", err)
	}
	progress(1, total)

	// The document files as they are: images and PDFs are compressed.
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		mem, ok, err := addDocument(zw, docsDir, d, m.CreatedAt)
		if err != nil {
			return fmt.Errorf("add document file %s: %w", d.name, err)
		}
		if ok {
			m.Documents = append(m.Documents, mem)
		} else {
			m.Missing = append(m.Missing, d.sha)
		}
		progress(i+2, total)
	}

	// The manifest last, once every hash is known.
	if err := addManifest(zw, m); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// addFile copies a file into the archive, measuring and hashing it.
func addFile(zw *zip.Writer, name, path string, method uint16, at time.Time) (Member, error) {
	in, err := os.Open(path)
	if err != nil {
		return Member{}, err
	}
	defer in.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: at})
	if err != nil {
		return Member{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), in)
	if err != nil {
		return Member{}, err
	}
	return Member{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// addDocument adds a document file whose content matches its SHA-256;
// ok is false when the file is missing or does not match, and nothing
// is added then. The file is read whole first, so that a bad one never
// reaches the archive.
func addDocument(zw *zip.Writer, docsDir string, d docFile, at time.Time) (Member, bool, error) {
	data, err := os.ReadFile(filepath.Join(docsDir, d.name))
	if errors.Is(err, os.ErrNotExist) {
		return Member{}, false, nil
	}
	if err != nil {
		return Member{}, false, err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != d.sha {
		return Member{}, false, nil
	}
	name := docsPrefix + d.name
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: at})
	if err != nil {
		return Member{}, false, err
	}
	if _, err := w.Write(data); err != nil {
		return Member{}, false, err
	}
	return Member{Name: name, Size: int64(len(data)), SHA256: d.sha}, true, nil
}

// addManifest writes the manifest member.
func addManifest(zw *zip.Writer, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: manifestName, Method: zip.Deflate,
		Modified: m.CreatedAt})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// syncDir flushes a directory's entries, so that a rename survives a
// crash; Windows cannot sync a directory.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
