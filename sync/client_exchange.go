package sync

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"intiqa/localdb"
	"intiqa/selection"
)

// PushBatch sends one batch of decisions, gzip-compressed, and returns
// headquarters' answers, checked to match the batch.
func (c *Client) PushBatch(ctx context.Context, items []selection.Decision) ([]selection.DecisionResult, error) {
	body, err := gzipJSON(PushRequest{Decisions: items})
	if err != nil {
		return nil, err
	}
	var out PushResponse
	resp, err := c.http.R().SetContext(ctx).
		SetHeader("Content-Type", contentJSON).SetHeader("Content-Encoding", encGzip).
		SetBody(body).SetResult(&out).SetError(&ErrorBody{}).
		SetPathParam("province", c.enr.Province).Post(PathDecisions)
	if err := answerError(resp, err); err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	if len(out.Results) != len(items) {
		return nil, fmt.Errorf("push: %d answers for %d decisions", len(out.Results), len(items))
	}
	for i, r := range out.Results {
		if r.ID != items[i].ID {
			return nil, fmt.Errorf("push: answer %d is about %q, not %q", i, r.ID, items[i].ID)
		}
	}
	return out.Results, nil
}

// gzipJSON encodes v in JSON and compresses it.
func gzipJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	return buf.Bytes(), nil
}

// Pull receives the province's changes after the laptop's cursor, page
// by page; each page is applied with its cursor in one transaction, so a
// cut pull resumes after the last page applied. The next page is fetched
// while the laptop applies the current one.
func (c *Client) Pull(ctx context.Context, progress func(Progress)) error {
	cursor, err := c.db.Cursor(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan fetched, 1)
	go c.fetchPages(ctx, cursor, pages)
	done := 0
	progress(Progress{Stage: StagePull})
	for f := range pages {
		if f.err != nil {
			return f.err
		}
		if err := c.db.ApplyChanges(ctx, c.opts.Actor, f.page); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		done += len(f.page.Changes)
		progress(Progress{Stage: StagePull, Done: done})
	}
	return nil
}

// fetched is a page of a pull, or the error that ended it.
type fetched struct {
	page *selection.ChangePage
	err  error
}

// fetchPages fetches pages from cursor on until the last one, an error,
// or ctx is done.
func (c *Client) fetchPages(ctx context.Context, cursor int64, out chan<- fetched) {
	defer close(out)
	for {
		page, err := c.PullPage(ctx, cursor)
		select {
		case out <- fetched{page, err}:
		case <-ctx.Done():
			return
		}
		if err != nil || !page.More || page.Cursor <= cursor {
			return
		}
		cursor = page.Cursor
	}
}

// PullPage fetches one page of changes after cursor.
func (c *Client) PullPage(ctx context.Context, cursor int64) (*selection.ChangePage, error) {
	var page selection.ChangePage
	q := url.Values{"cursor": {strconv.FormatInt(cursor, 10)},
		"limit": {strconv.Itoa(c.opts.PageSize)}}
	resp, err := c.http.R().SetContext(ctx).SetQueryParamsFromValues(q).
		SetResult(&page).SetError(&ErrorBody{}).
		SetPathParam("province", c.enr.Province).Get(PathChanges)
	if err := answerError(resp, err); err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	if page.Province != c.enr.Province {
		return nil, fmt.Errorf("pull: headquarters sent province %q, not %s: %w",
			page.Province, c.enr.Province, localdb.ErrScope)
	}
	return &page, nil
}
