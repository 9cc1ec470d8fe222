package sync

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"intiqa/selection"
)

// Push sends the outbox until it is empty, as a streamed push: batches
// go one after the other on one request, the next one on its way while
// headquarters applies the previous, and each batch's answers are
// recorded in one transaction as they come back (applied and duplicate
// decisions leave the outbox, conflicting and rejected ones go to the
// conflicts). When the stream is cut, what was answered is kept and the
// rest is sent again after a backoff; headquarters answers duplicate for
// what it had applied.
func (c *Client) Push(ctx context.Context, progress func(Progress)) error {
	total, err := c.db.PendingCount(ctx)
	if err != nil {
		return err
	}
	done := 0
	progress(Progress{Stage: StagePush, Total: total})
	report := func(n int) {
		done += n
		progress(Progress{Stage: StagePush, Done: done, Total: max(total, done)})
	}
	for attempt := 0; ; attempt++ {
		if err = c.pushStream(ctx, report); err == nil || attempt >= c.opts.Retries ||
			ctx.Err() != nil || isClientError(err) {
			return err
		}
		c.opts.Logger.Debug("push stream cut", keyError, err)
		if werr := sleep(ctx, backoff(c.opts.RetryWait, c.opts.RetryMaxWait, attempt)); werr != nil {
			return errors.Join(err, werr)
		}
	}
}

// pushStream runs one streamed push of the outbox.
func (c *Client) pushStream(ctx context.Context, report func(int)) error {
	first, err := c.db.Outbox(ctx, c.opts.BatchSize)
	if err != nil || len(first) == 0 {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// A watchdog cancels the stream when no answer comes for a timeout.
	idle := time.AfterFunc(c.opts.Timeout, cancel)
	defer idle.Stop()

	// Write the batches on one goroutine; read the answers on this one.
	pr, pw := io.Pipe()
	sent := make(chan []selection.Decision, 64)
	wrote := make(chan error, 1)
	go func() { wrote <- c.writeStream(ctx, first, pw, sent) }()
	resp, err := c.stream.R().SetContext(ctx).SetBody(pr).SetDoNotParseResponse(true).
		SetHeader("Content-Type", contentStream).SetHeader("Content-Encoding", encGzip).
		SetPathParam("province", c.enr.Province).Post(PathDecisionStream)
	if err != nil {
		pr.CloseWithError(err)
		return errors.Join(fmt.Errorf("push: reach headquarters: %w", err), <-wrote)
	}
	body := resp.RawBody()
	defer body.Close()
	var answers io.Reader = body
	if resp.Header().Get("Content-Encoding") == encGzip { // else the transport decompressed it
		zr, err := gzip.NewReader(body)
		if err != nil {
			pr.CloseWithError(err)
			return errors.Join(fmt.Errorf("push: answer: %w", err), <-wrote)
		}
		answers = zr
	}
	err = c.readAnswers(ctx, resp.StatusCode(), answers, sent, idle, report)
	pr.CloseWithError(errors.New("push stream ended"))
	if werr := <-wrote; err == nil && werr != nil {
		err = fmt.Errorf("push: %w", werr)
	}
	return err
}

// writeStream writes the outbox batch by batch, from first on, telling
// the reader of each batch sent.
func (c *Client) writeStream(ctx context.Context, first []selection.Decision, pw *io.PipeWriter,
	sent chan<- []selection.Decision) (err error) {
	defer close(sent)
	defer func() { pw.CloseWithError(err) }()
	zw := gzip.NewWriter(pw)
	enc := json.NewEncoder(zw)
	for items := first; len(items) > 0; {
		if err := enc.Encode(PushRequest{Decisions: items}); err != nil {
			return err
		}
		if err := zw.Flush(); err != nil {
			return err
		}
		select {
		case sent <- items:
		case <-ctx.Done():
			return ctx.Err()
		}
		if items, err = c.db.OutboxAfter(ctx, items[len(items)-1].ID, c.opts.BatchSize); err != nil {
			return err
		}
	}
	return zw.Close()
}

// readAnswers reads one answer per batch sent and records it.
func (c *Client) readAnswers(ctx context.Context, status int, body io.Reader,
	sent <-chan []selection.Decision, idle *time.Timer, report func(int)) error {
	if status != http.StatusOK {
		var e ErrorBody
		b, _ := io.ReadAll(io.LimitReader(body, 1<<16))
		if json.Unmarshal(b, &e) != nil || e.Error.Code == "" {
			e.Error = APIError{Code: CodeInternal, Message: http.StatusText(status)}
		}
		e.Error.Status = status
		return fmt.Errorf("push: %w", &e.Error)
	}
	dec := json.NewDecoder(body)
	for items := range sent {
		var a StreamAnswer
		if err := dec.Decode(&a); err != nil {
			return fmt.Errorf("push: answer cut: %w", err)
		}
		idle.Reset(c.opts.Timeout)
		if a.Error != nil {
			a.Error.Status = a.Status
			return fmt.Errorf("push: %w", a.Error)
		}
		if err := matchAnswers(items, a.Results); err != nil {
			return err
		}
		if err := c.db.Acknowledge(ctx, c.opts.Actor, a.Results); err != nil {
			return err
		}
		report(len(items))
	}
	return nil
}

// matchAnswers checks that a batch's answers are about its decisions, in
// order.
func matchAnswers(items []selection.Decision, results []selection.DecisionResult) error {
	if len(results) != len(items) {
		return fmt.Errorf("push: %d answers for %d decisions", len(results), len(items))
	}
	for i, r := range results {
		if r.ID != items[i].ID {
			return fmt.Errorf("push: answer %d is about %q, not %q", i, r.ID, items[i].ID)
		}
	}
	return nil
}
