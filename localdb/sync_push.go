package localdb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"intiqa/selection"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Pusher is the enrollment a batch of decisions comes from.
type Pusher struct {
	TokenID  string
	Province string
	Role     selection.SyncRole
}

// ApplyDecisions applies a batch of decisions pushed by a laptop, in one
// transaction, and answers each: applied; duplicate when its ID was
// applied before, so that a batch sent again changes nothing; conflict
// when headquarters holds another version of the record than the one the
// decision was based on; rejected when it cannot apply at all, or when
// its applicant moved out of the pusher's province since. A decision on
// a record of another province refuses the whole batch with ErrScope:
// nothing is applied. A decision the pusher's role does not allow is
// rejected.
//
// The batch is audited as one entry naming its decisions; each applied
// decision is also kept, by ID, in sync_items.
//
// Batches pushed while another is being applied wait, and are then
// applied together, one after the other, in one transaction (see
// pushQueue): each lands whole or not at all, as if it had had its own.
// When ctx ends before the batch was taken up, nothing of it applies;
// once taken up, it applies even if ctx ends, and a laptop that sends it
// again gets its decisions answered as duplicates.
func (db *DB) ApplyDecisions(ctx context.Context, from Pusher,
	items []Pushed) ([]selection.DecisionResult, error) {
	if db.scope != NationalScope {
		return nil, fmt.Errorf("apply decisions in a laptop store: %w", ErrScope)
	}
	return db.pushes.apply(ctx, db, from, items)
}

// applyBatch applies one pushed batch inside tx, audited under the
// pusher's name.
func (tx *Tx) applyBatch(from Pusher, items []Pushed) ([]selection.DecisionResult, error) {
	tx.replica = true
	tx.actor = "sync:" + from.TokenID
	results := make([]selection.DecisionResult, len(items))
	counts := map[selection.DecisionStatus]int{}
	ids := sha256.New()
	b, err := tx.loadPushBatch(items)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		r, err := tx.applyPushed(from, b, it)
		if err != nil {
			return nil, err
		}
		results[i] = r
		counts[r.Status]++
		ids.Write([]byte(it.ID + "\n"))
	}
	err = tx.auditAlways("sync.push", "sync", from.Province, nil, map[string]any{
		"token": from.TokenID, "decisions": len(items), "answers": counts,
		"ids_sha256": hex.EncodeToString(ids.Sum(nil)),
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// Pushed is a pushed decision whose data decoded into its domain type.
type Pushed struct {
	selection.Decision
	value any
}

// DecodePushed decodes the data of pushed decisions, strictly (see
// DecodeDecision); the error names the first that does not decode.
func DecodePushed(items []selection.Decision) ([]Pushed, error) {
	out := make([]Pushed, len(items))
	for i, it := range items {
		v, err := DecodeDecision(it.Kind, it.Data)
		if err != nil {
			return nil, fmt.Errorf("decision %d (%s): %w", i, it.ID, err)
		}
		out[i] = Pushed{Decision: it, value: v}
	}
	return out, nil
}

// applyPushed applies one pushed decision inside the batch's
// transaction.
func (tx *Tx) applyPushed(from Pusher, b *pushBatch, it Pushed) (selection.DecisionResult, error) {
	res := selection.DecisionResult{ID: it.ID}
	reject := func(reason string) (selection.DecisionResult, error) {
		res.Status, res.Reason = selection.DecisionRejected, reason
		return res, nil
	}

	// A decision applied before is a duplicate.
	if b.applied[it.ID] {
		res.Status = selection.DecisionDuplicate
		return res, nil
	}

	// Check the pusher's role, and the decision's province.
	if !from.Role.MayPush(it.Kind) {
		return reject(fmt.Sprintf("a %s laptop may not push a %s decision", from.Role, it.Kind))
	}
	d := it.value
	key, err := decisionKey(it.Kind, d)
	if err != nil {
		return reject(err.Error())
	}
	province, err := tx.provinceOf(d)
	if errors.Is(err, ErrNotFound) {
		return reject(err.Error())
	}
	if err != nil {
		return res, err
	}
	moved, err := tx.checkApplicantScope(from, d, province)
	if err != nil {
		return res, fmt.Errorf("decision %s on %s %s: %w", it.ID, it.Kind, key, err)
	}
	if moved != "" {
		return reject(moved)
	}
	if province != from.Province {
		return res, fmt.Errorf("decision %s on %s %s of province %s: %w", it.ID, it.Kind, key,
			province, ErrScope)
	}

	// Apply it if headquarters holds the version it was based on.
	ref := headRef{it.Kind, key}
	if b.heads[ref] != it.Base {
		return tx.conflict(res, it.Kind, key)
	}
	write := func() error { return tx.writeDecision(d) }
	if fr, many := d.(*selection.FinalRunData); many {
		// A run writes many rows: a refused one must leave none behind.
		// Every other decision writes one row, which SQLite writes whole
		// or not at all.
		write = func() error {
			return tx.inSavepoint(func() error {
				if err := tx.writeDecision(d); err != nil {
					return err
				}
				return tx.checkRunApplicants(&fr.Run)
			})
		}
	}
	if err := write(); err != nil {
		switch {
		case errors.Is(err, ErrScope):
			return res, fmt.Errorf("decision %s on %s %s: %w", it.ID, it.Kind, key, err)
		case errors.Is(err, ErrStaleVersion), errors.Is(err, ErrLocked):
			return tx.conflict(res, it.Kind, key)
		case isRefusal(err):
			return reject(err.Error())
		}
		return res, err
	}
	_, err = tx.exec(`INSERT INTO sync_items (id, kind, key, province, token, applied_at)
		VALUES (?, ?, ?, ?, ?, ?)`, it.ID, string(it.Kind), key, province, from.TokenID,
		formatInstant(tx.now))
	if err != nil {
		return res, fmt.Errorf("record decision %s: %w", it.ID, err)
	}
	res.Status = selection.DecisionApplied
	version := headVersion(it.ID, d)
	b.applied[it.ID], b.heads[ref] = true, version
	return res, tx.setHead(it.Kind, key, version)
}

// pushBatch is what the decisions of a batch need to know of
// headquarters, read once for the whole batch and kept up to date as
// they apply: the decisions applied, and the versions of the records
// decided on.
type pushBatch struct {
	applied map[string]bool
	heads   map[headRef]string
}

// headRef names a decided record.
type headRef struct {
	kind selection.SyncKind
	key  string
}

// chunk is how many values one lookup of loadPushBatch binds.
const lookupChunk = 400

// loadPushBatch reads which of a batch's decisions were applied before,
// and the versions of the records they decide on.
func (tx *Tx) loadPushBatch(items []Pushed) (*pushBatch, error) {
	b := &pushBatch{applied: map[string]bool{}, heads: map[headRef]string{}}
	refs := make([]headRef, 0, len(items))
	for _, it := range items {
		if key, err := decisionKey(it.Kind, it.value); err == nil {
			refs = append(refs, headRef{it.Kind, key})
		}
	}
	for start := 0; start < len(items); start += lookupChunk {
		part := items[start:min(start+lookupChunk, len(items))]
		args := make([]any, len(part))
		for i, it := range part {
			args[i] = it.ID
		}
		err := tx.eachRow(`SELECT id FROM sync_items WHERE id IN (`+marks("?", len(part))+`)`,
			args, func(s scanner) error {
				var id string
				err := s.Scan(&id)
				b.applied[id] = true
				return err
			})
		if err != nil {
			return nil, fmt.Errorf("look up decisions: %w", err)
		}
	}
	for start := 0; start < len(refs); start += lookupChunk {
		part := refs[start:min(start+lookupChunk, len(refs))]
		args := make([]any, 0, 2*len(part))
		for _, r := range part {
			args = append(args, string(r.kind), r.key)
		}
		err := tx.eachRow(`SELECT kind, key, version FROM sync_heads WHERE (kind, key) IN
			(VALUES `+marks("(?, ?)", len(part))+`)`, args, func(s scanner) error {
			var r headRef
			var v string
			err := s.Scan(&r.kind, &r.key, &v)
			b.heads[r] = v
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("read versions: %w", err)
		}
	}
	return b, nil
}

// marks returns n copies of a placeholder, separated by commas.
func marks(mark string, n int) string {
	return strings.TrimSuffix(strings.Repeat(mark+", ", n), ", ")
}

// conflict answers a decision with what headquarters holds.
func (tx *Tx) conflict(res selection.DecisionResult, kind selection.SyncKind,
	key string) (selection.DecisionResult, error) {
	res.Status = selection.DecisionConflict
	cur, err := tx.currentChange(kind, key)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return res, err
	}
	res.Current = cur
	return res, nil
}

// inSavepoint runs fn so that, when it fails, none of its writes remain
// while the transaction goes on.
func (tx *Tx) inSavepoint(fn func() error) error {
	if _, err := tx.exec(`SAVEPOINT decision`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := tx.exec(`ROLLBACK TO decision`); rerr != nil {
			return errors.Join(err, rerr)
		}
		_, rerr := tx.exec(`RELEASE decision`)
		return errors.Join(err, rerr)
	}
	if _, err := tx.exec(`RELEASE decision`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// isRefusal tells a decision that cannot apply (a broken rule, a record
// that does not exist) from a failure of the store.
func isRefusal(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// DecodeDecision decodes the data of a pushed decision into its domain
// type, refusing unknown fields and trailing data.
func DecodeDecision(kind selection.SyncKind, data []byte) (any, error) {
	var v any
	switch kind {
	case selection.KindReview:
		v = new(selection.Review)
	case selection.KindSession:
		v = new(selection.InterviewSession)
	case selection.KindConvocation:
		v = new(selection.Convocation)
	case selection.KindAttendance:
		v = new(selection.Attendance)
	case selection.KindScoreSheet:
		v = new(selection.ScoreSheet)
	case selection.KindFinalRun:
		v = new(selection.FinalRunData)
	case selection.KindWithdrawal:
		v = new(selection.Withdrawal)
	default:
		return nil, fmt.Errorf("unknown kind of decision %q", kind)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: data after the decision", kind)
	}
	return v, nil
}

// provinceOf returns the province a decision is about; ErrNotFound when
// it names a record headquarters does not hold.
func (tx *Tx) provinceOf(d any) (string, error) {
	one := func(what, query string, args ...any) (string, error) {
		var p string
		err := tx.queryRow(query, args...).Scan(&p)
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, notFound(err))
		}
		return p, nil
	}
	session := func(id string) (string, error) {
		return one("session "+id, `SELECT province_code FROM interview_sessions WHERE id = ?`, id)
	}
	switch v := d.(type) {
	case *selection.Review:
		return one("document "+v.DocumentID, `SELECT a.province_code FROM documents d
			JOIN applicants a ON a.id = d.applicant_id WHERE d.id = ?`, v.DocumentID)
	case *selection.InterviewSession:
		// A session stays in the province that holds it.
		p, err := session(v.ID)
		if errors.Is(err, ErrNotFound) {
			return v.ProvinceCode, nil
		}
		return p, err
	case *selection.Convocation:
		// Its applicant is checked by checkApplicantScope.
		return session(v.SessionID)
	case *selection.Attendance:
		return session(v.SessionID)
	case *selection.ScoreSheet:
		return session(v.SessionID)
	case *selection.FinalRunData:
		if v.Run.Kind != selection.RunFinal || v.Run.Scope == NationalScope {
			return "", fmt.Errorf("run %s: a final selection of a province: %w", v.Run.ID, ErrNotFound)
		}
		return v.Run.Scope, nil
	case *selection.Withdrawal:
		return one("run "+v.RunID, `SELECT scope FROM runs WHERE id = ?`, v.RunID)
	}
	return "", fmt.Errorf("decision of type %T", d)
}

// writeDecision writes a decision with the store's own writers.
func (tx *Tx) writeDecision(d any) error {
	switch v := d.(type) {
	case *selection.Review:
		return tx.addReview(v)
	case *selection.InterviewSession:
		return tx.putSession(v)
	case *selection.Convocation:
		return tx.putConvocation(v)
	case *selection.Attendance:
		return tx.putAttendance(v)
	case *selection.ScoreSheet:
		return tx.putScoreSheet(v)
	case *selection.FinalRunData:
		return tx.saveRun(&v.Run, v.Outcomes)
	case *selection.Withdrawal:
		return tx.addWithdrawal(v)
	}
	return fmt.Errorf("decision of type %T", d)
}
