package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"intiqa/selection"
)

// ErrCorrupt is returned when a downloaded file does not have the
// SHA-256 its document names; the partial file is discarded.
var ErrCorrupt = errors.New("downloaded file does not match its SHA-256")

// DocumentPath returns where a document's file lives in a folder of
// files addressed by content: its SHA-256 and the extension of its media
// type, as headquarters keeps them too.
func DocumentPath(dir string, d selection.Document) string {
	return filepath.Join(dir, d.FileName())
}

// DocumentPath returns where the laptop keeps a document's file.
func (c *Client) DocumentPath(d selection.Document) string { return DocumentPath(c.docs, d) }

// FetchDocuments downloads the files of the province's documents that
// the laptop lacks, one after the other. A cut download resumes where it
// stopped (HTTP Range), each file is checked against its SHA-256 before
// it takes its place, and a file already present is not fetched again.
func (c *Client) FetchDocuments(ctx context.Context, progress func(Progress)) error {
	docs, err := c.db.DocumentFiles(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.docs, 0o700); err != nil {
		return fmt.Errorf("documents folder: %w", err)
	}
	var missing []selection.Document
	seen := map[string]bool{}
	for _, d := range docs {
		if seen[d.SHA256] {
			continue
		}
		seen[d.SHA256] = true
		if _, err := os.Stat(c.DocumentPath(d)); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, d)
		}
	}
	progress(Progress{Stage: StageDocuments, Total: len(missing)})
	for i, d := range missing {
		if err := c.fetchDocument(ctx, d); err != nil {
			return err
		}
		progress(Progress{Stage: StageDocuments, Done: i + 1, Total: len(missing)})
	}
	return nil
}

// fetchDocument downloads one file, resuming after each cut, with the
// client's backoff between attempts.
func (c *Client) fetchDocument(ctx context.Context, d selection.Document) error {
	var err error
	for attempt := 0; attempt <= c.opts.Retries; attempt++ {
		if attempt > 0 {
			if werr := sleep(ctx, backoff(c.opts.RetryWait, c.opts.RetryMaxWait, attempt)); werr != nil {
				return werr
			}
		}
		err = c.fetchOnce(ctx, d)
		if err == nil || ctx.Err() != nil || errors.Is(err, ErrCorrupt) || isClientError(err) {
			break
		}
		c.opts.Logger.Debug("document download cut", "sha256", d.SHA256, keyError, err)
	}
	if err != nil {
		return fmt.Errorf("document %s: %w", d.SHA256, err)
	}
	return nil
}

// isClientError tells an answer that retrying cannot change.
func isClientError(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status >= 400 && e.Status < 500
}

// fetchOnce continues a download from the partial file's size, then
// verifies and installs the file when complete.
func (c *Client) fetchOnce(ctx context.Context, d selection.Document) error {
	final := c.DocumentPath(d)
	part := final + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("open partial file: %w", err)
	}
	defer f.Close()
	offset, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if d.Size > 0 && offset > d.Size {
		if offset, err = truncate(f); err != nil {
			return err
		}
	}
	if d.Size == 0 || offset < d.Size {
		if err := c.download(ctx, d, f, offset); err != nil {
			return err
		}
	}
	return install(f, part, final, d.SHA256)
}

// download asks for the file from offset and appends what comes.
func (c *Client) download(ctx context.Context, d selection.Document, f *os.File, offset int64) error {
	req := c.http.R().SetContext(ctx).SetDoNotParseResponse(true).
		SetPathParams(map[string]string{"province": c.enr.Province, "sha256": d.SHA256})
	if offset > 0 {
		req.SetHeader("Range", "bytes="+strconv.FormatInt(offset, 10)+"-").
			SetHeader("If-Range", `"`+d.SHA256+`"`)
	}
	resp, err := req.Get(PathDocument)
	if err != nil {
		return fmt.Errorf("reach headquarters: %w", err)
	}
	body := resp.RawBody()
	defer body.Close()
	switch resp.StatusCode() {
	case http.StatusPartialContent:
	case http.StatusOK: // the whole file: start again
		if _, err := truncate(f); err != nil {
			return err
		}
	case http.StatusRequestedRangeNotSatisfiable:
		_, err := truncate(f)
		return errors.Join(errors.New("range refused: starting again"), err)
	default:
		return &APIError{Status: resp.StatusCode(), Code: CodeInternal, Message: resp.Status()}
	}
	if _, err := io.Copy(f, body); err != nil {
		return fmt.Errorf("download cut: %w", err)
	}
	return nil
}

// truncate empties a partial file.
func truncate(f *os.File) (int64, error) {
	if err := f.Truncate(0); err != nil {
		return 0, fmt.Errorf("reset partial file: %w", err)
	}
	return f.Seek(0, io.SeekStart)
}

// install checks the partial file's SHA-256 and moves it into place; a
// file that does not match is removed.
func install(f *os.File, part, final, want string) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("verify file: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		f.Close()
		os.Remove(part)
		return fmt.Errorf("%w (got %s)", ErrCorrupt, got)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write file: %w", err)
	}
	f.Close()
	if err := os.Rename(part, final); err != nil {
		return fmt.Errorf("install file: %w", err)
	}
	return nil
}

// backoff returns the wait before an attempt: exponential from lo, up
// to hi, with jitter over its upper half.
func backoff(lo, hi time.Duration, attempt int) time.Duration {
	d := lo << min(attempt, 20)
	if d > hi || d <= 0 {
		d = hi
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
