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
	"regexp"

	"intiqa/localdb"
)

// maxManifest bounds the manifest read: 150,000 documents take about
// 25 MB of it.
const maxManifest = 64 << 20

// docName is the name of a document member: its SHA-256 and extension.
var docName = regexp.MustCompile(`^documents/([0-9a-f]{64})\.[a-z0-9]{1,5}$`)

// Staged is an archive checked and unpacked into a folder of its own,
// ready to be put in place: the store's snapshot and its document files.
type Staged struct {
	Dir      string
	Manifest *Manifest
	// present names the document members checked but not unpacked: the
	// target folder holds them already, with the same content.
	present map[string]bool
}

// UnpackOptions tune Unpack.
type UnpackOptions struct {
	Progress Progress // nil for none
	// DocsDir is the folder the document files will be installed in, if
	// known: a member whose file is there already, with the same
	// content, is checked but not unpacked again (a restore on the same
	// laptop then writes almost no file).
	DocsDir string
}

// storePath is where the staged store lies.
func (s *Staged) storePath() string { return filepath.Join(s.Dir, storeName) }

// docsDir is where the staged document files lie.
func (s *Staged) docsDir() string { return filepath.Join(s.Dir, "documents") }

// Remove deletes the staging folder.
func (s *Staged) Remove() error { return os.RemoveAll(s.Dir) }

// Unpack checks the archive at path while unpacking it into dir, a new
// folder it creates: the manifest and its format; every member listed,
// none extra, each with the size and SHA-256 the manifest gives; the
// store's integrity, schema and audit chain (localdb.CheckBackup),
// matching the manifest; every document member named by its SHA-256
// and referenced by the store. Any fault is an ErrBadArchive that says
// what was found, and dir is removed.
func Unpack(ctx context.Context, path, dir string, opts UnpackOptions) (_ *Staged, err error) {
	progress := opts.Progress
	if progress == nil {
		progress = func(int, int) {}
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, bad(path, "unreadable as a zip archive (truncated or not a backup)", err)
	}
	defer zr.Close()
	m, err := readManifest(&zr.Reader)
	if err != nil {
		return nil, bad(path, "manifest", err)
	}
	members, err := memberFiles(&zr.Reader, m)
	if err != nil {
		return nil, bad(path, "members", err)
	}

	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("unpack backup archive: %w", err)
	}
	st := &Staged{Dir: dir, Manifest: m, present: map[string]bool{}}
	defer func() {
		if err != nil {
			st.Remove()
		}
	}()
	total := len(m.Documents) + 1

	// The store, then its own checks against the manifest.
	progress(0, total)
	if err := extract(members[storeName], m.Store, st.storePath()); err != nil {
		return nil, bad(path, "store", err)
	}
	if err := checkStore(ctx, st.storePath(), m); err != nil {
		return nil, bad(path, "store", err)
	}
	progress(1, total)

	// The document files: each named by its content, each one the store
	// references, and the rest of those referenced listed as missing.
	if err := checkReferences(ctx, st.storePath(), m); err != nil {
		return nil, bad(path, "documents", err)
	}
	if err := st.unpackDocuments(ctx, path, members, opts.DocsDir, progress); err != nil {
		return nil, err
	}
	return st, nil
}

// unpackDocuments checks every document member and unpacks those that
// docsDir (if not "") does not hold already with the same content.
func (s *Staged) unpackDocuments(ctx context.Context, path string, members map[string]*zip.File,
	docsDir string, progress Progress) error {
	if err := os.Mkdir(s.docsDir(), 0o700); err != nil {
		return fmt.Errorf("unpack backup archive: %w", err)
	}
	total := len(s.Manifest.Documents) + 1
	for i, d := range s.Manifest.Documents {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := filepath.Base(d.Name)
		dest := filepath.Join(s.docsDir(), name)
		if docsDir != "" {
			if there, err := hasContent(filepath.Join(docsDir, name), d.SHA256); err == nil && there {
				dest = "" // checked only
				s.present[name] = true
			}
		}
		if err := extract(members[d.Name], d, dest); err != nil {
			return bad(path, d.Name, err)
		}
		progress(i+2, total)
	}
	return nil
}

// bad wraps a fault of the archive at path.
func bad(path, what string, err error) error {
	return fmt.Errorf("backup archive %s: %s: %v: %w", filepath.Base(path), what, err, ErrBadArchive)
}

// readManifest reads and checks the manifest member.
func readManifest(zr *zip.Reader) (*Manifest, error) {
	var f *zip.File
	for _, zf := range zr.File {
		if zf.Name == manifestName {
			f = zf
		}
	}
	if f == nil {
		return nil, errors.New("no manifest.json")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxManifest+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxManifest {
		return nil, errors.New("too large")
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m.Format != Format {
		return nil, fmt.Errorf("format %q, want %q", m.Format, Format)
	}
	if m.Store.Name != storeName {
		return nil, fmt.Errorf("store member %q, want %q", m.Store.Name, storeName)
	}
	for _, d := range m.Documents {
		g := docName.FindStringSubmatch(d.Name)
		if g == nil || g[1] != d.SHA256 {
			return nil, fmt.Errorf("document member %q not named by its SHA-256", d.Name)
		}
	}
	return &m, nil
}

// memberFiles matches the archive's files with the manifest's members:
// each member once, and no file the manifest does not list.
func memberFiles(zr *zip.Reader, m *Manifest) (map[string]*zip.File, error) {
	want := map[string]bool{m.Store.Name: true}
	for _, d := range m.Documents {
		if want[d.Name] {
			return nil, fmt.Errorf("%s listed twice", d.Name)
		}
		want[d.Name] = true
	}
	out := make(map[string]*zip.File, len(want))
	for _, f := range zr.File {
		switch {
		case f.Name == manifestName:
		case !want[f.Name]:
			return nil, fmt.Errorf("%q is not in the manifest", f.Name)
		case out[f.Name] != nil:
			return nil, fmt.Errorf("%s twice in the archive", f.Name)
		default:
			out[f.Name] = f
		}
	}
	for name := range want {
		if out[name] == nil {
			return nil, fmt.Errorf("%s missing from the archive", name)
		}
	}
	return out, nil
}

// extract writes a member to dest, checking its size and SHA-256 (and
// the zip's own checksum) on the way, and syncs it; with dest "" it
// only checks the member.
func extract(f *zip.File, want Member, dest string) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	var out *os.File
	var w io.Writer = io.Discard
	if dest != "" {
		if out, err = os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
			return err
		}
		defer out.Close()
		w = out
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(rc, want.Size+1))
	if err != nil {
		return err
	}
	if n != want.Size {
		return fmt.Errorf("%d bytes, the manifest says %d", n, want.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 {
		return fmt.Errorf("SHA-256 %s, the manifest says %s", got, want.SHA256)
	}
	if out == nil {
		return nil
	}
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

// checkStore runs the store's own checks and compares them with the
// manifest.
func checkStore(ctx context.Context, path string, m *Manifest) error {
	info, err := localdb.CheckBackup(ctx, path)
	if err != nil {
		return err
	}
	if info.Scope != m.Scope || info.AuditHead != m.AuditHead ||
		info.AuditEntries != m.AuditEntries {
		return fmt.Errorf("scope %q with %d audit entries ending %s; the manifest says %q, %d, %s",
			info.Scope, info.AuditEntries, info.AuditHead, m.Scope, m.AuditEntries, m.AuditHead)
	}
	return nil
}

// checkReferences checks that the document members and the missing list
// together are exactly the files the store references.
func checkReferences(ctx context.Context, store string, m *Manifest) error {
	docs, err := localdb.BackupDocuments(ctx, store)
	if err != nil {
		return err
	}
	referenced := map[string]bool{}
	for _, f := range fileNames(docs) {
		referenced[docsPrefix+f.name] = true
	}
	for _, d := range m.Documents {
		if !referenced[d.Name] {
			return fmt.Errorf("%s: no document of the store has this file", d.Name)
		}
		delete(referenced, d.Name)
	}
	missing := make(map[string]bool, len(m.Missing))
	for _, sum := range m.Missing {
		missing[sum] = true
	}
	for name := range referenced {
		if g := docName.FindStringSubmatch(name); g == nil || !missing[g[1]] {
			return fmt.Errorf("%s: referenced by the store, neither in the archive nor listed missing",
				name)
		}
	}
	return nil
}
