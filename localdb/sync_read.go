package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"intiqa/selection"
)

// PublishedRules is a rules file as headquarters published it: the Data
// of a pulled "rules" record.
type PublishedRules struct {
	Version     string
	Hash        string
	Body        json.RawMessage // the rules file
	PublishedAt time.Time
}

// querier is what the record readers need of a connection or a
// transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// record is one record as a pull sends it: its value, and for a decided
// record the kind and key its version is kept under.
type record struct {
	data     any
	headKind selection.SyncKind
	headKey  string
}

// splitKey cuts a two-part key, "session/applicant" or "run/applicant",
// at its last slash (applicant IDs hold none).
func splitKey(key string) (string, string, error) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return "", "", fmt.Errorf("key %q: want two parts", key)
	}
	return key[:i], key[i+1:], nil
}

// recordReader reads the current state of one record of a kind.
type recordReader func(ctx context.Context, q querier, key string) (*record, error)

// recordReaders reads every kind a pull sends.
var recordReaders = map[selection.SyncKind]recordReader{
	selection.KindRegion:      readRegion,
	selection.KindProvince:    readProvince,
	selection.KindCommune:     readCommune,
	selection.KindRules:       readRules,
	selection.KindRubric:      readRubric,
	selection.KindNeed:        readNeed,
	selection.KindApplicant:   readApplicant,
	selection.KindDocument:    readDocument,
	selection.KindTraining:    readTraining,
	selection.KindRun:         readRun,
	selection.KindOutcome:     readOutcome,
	selection.KindReview:      readReview,
	selection.KindSession:     readSession,
	selection.KindConvocation: readConvocation,
	selection.KindAttendance:  readAttendance,
	selection.KindScoreSheet:  readScoreSheet,
	selection.KindWithdrawal:  readWithdrawal,
	selection.KindRemoval:     readRemoval,
}

func readRegion(ctx context.Context, q querier, key string) (*record, error) {
	var r selection.Region
	err := q.QueryRowContext(ctx, `SELECT code, name_fr, name_ar, population, households
		FROM regions WHERE code = ?`, key).Scan(&r.Code, &r.NameFR, &r.NameAR, &r.Population,
		&r.Households)
	return &record{data: &r}, notFound(err)
}

func readProvince(ctx context.Context, q querier, key string) (*record, error) {
	var p selection.Province
	err := q.QueryRowContext(ctx, `SELECT code, region_code, name_fr, name_ar, type, population,
		households FROM provinces WHERE code = ?`, key).Scan(&p.Code, &p.RegionCode, &p.NameFR,
		&p.NameAR, &p.Type, &p.Population, &p.Households)
	return &record{data: &p}, notFound(err)
}

func readCommune(ctx context.Context, q querier, key string) (*record, error) {
	var c selection.Commune
	err := q.QueryRowContext(ctx, `SELECT code, province_code, region_code, name_fr, name_ar,
		type, population, households FROM communes WHERE code = ?`, key).Scan(&c.Code,
		&c.ProvinceCode, &c.RegionCode, &c.NameFR, &c.NameAR, &c.Type, &c.Population, &c.Households)
	return &record{data: &c}, notFound(err)
}

func readRules(ctx context.Context, q querier, key string) (*record, error) {
	var r PublishedRules
	var body, at string
	err := q.QueryRowContext(ctx, `SELECT version, hash, body, published_at FROM rules
		WHERE version = ?`, key).Scan(&r.Version, &r.Hash, &body, &at)
	if err != nil {
		return nil, notFound(err)
	}
	r.Body = json.RawMessage(body)
	r.PublishedAt, err = parseInstant(at)
	return &record{data: &r}, err
}

func readRubric(ctx context.Context, q querier, key string) (*record, error) {
	var body string
	err := q.QueryRowContext(ctx, `SELECT body FROM rubrics WHERE version = ?`, key).Scan(&body)
	return &record{data: json.RawMessage(body)}, notFound(err)
}

func readNeed(ctx context.Context, q querier, key string) (*record, error) {
	n, err := scanNeed(q.QueryRowContext(ctx, `SELECT commune_code, enumerators, controllers,
		languages FROM needs WHERE commune_code = ?`, key))
	return &record{data: n}, notFound(err)
}

func readApplicant(ctx context.Context, q querier, key string) (*record, error) {
	a, _, err := scanApplicant(q.QueryRowContext(ctx,
		`SELECT `+applicantColumns+` FROM applicants WHERE id = ?`, key))
	return &record{data: a}, notFound(err)
}

func readDocument(ctx context.Context, q querier, key string) (*record, error) {
	d, err := scanDocument(q.QueryRowContext(ctx,
		`SELECT `+documentColumns+` FROM documents WHERE id = ?`, key))
	return &record{data: d}, err
}

func readTraining(ctx context.Context, q querier, key string) (*record, error) {
	t, err := scanTraining(q.QueryRowContext(ctx,
		`SELECT `+trainingColumns+` FROM training WHERE applicant_id = ?`, key))
	return &record{data: t}, notFound(err)
}

const runColumns = `id, kind, scope, rules_version, rules_hash, seed, params, input_hash,
	output_hash, started_at, committed_at, created_by`

func scanRun(s scanner) (*selection.Run, error) {
	var r selection.Run
	var params, started, committed string
	err := s.Scan(&r.ID, &r.Kind, &r.Scope, &r.RulesVersion, &r.RulesHash, &r.Seed, &params,
		&r.InputHash, &r.OutputHash, &started, &committed, &r.CreatedBy)
	if err != nil {
		return nil, notFound(err)
	}
	if r.StartedAt, err = parseInstant(started); err != nil {
		return nil, err
	}
	if r.CommittedAt, err = parseInstant(committed); err != nil {
		return nil, err
	}
	return &r, json.Unmarshal([]byte(params), &r.Params)
}

func readRun(ctx context.Context, q querier, key string) (*record, error) {
	r, err := scanRun(q.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?`, key))
	if err != nil {
		return nil, err
	}
	rec := &record{data: r}
	if r.Kind == selection.RunFinal {
		rec.headKind, rec.headKey = selection.KindFinalRun, finalKey(r.Scope)
	}
	return rec, nil
}

const outcomeColumns = `run_id, applicant_id, status, commune_code, role, rank, score, lottery,
	reason`

func scanOutcome(s scanner) (*selection.Outcome, error) {
	var o selection.Outcome
	var lottery string
	err := s.Scan(&o.RunID, &o.ApplicantID, &o.Status, &o.CommuneCode, &o.Role, &o.Rank,
		&o.Score, &lottery, &o.Reason)
	if err != nil {
		return nil, notFound(err)
	}
	o.Lottery, err = strconv.ParseUint(lottery, 10, 64)
	return &o, err
}

func readOutcome(ctx context.Context, q querier, key string) (*record, error) {
	run, applicant, err := splitKey(key)
	if err != nil {
		return nil, err
	}
	o, err := scanOutcome(q.QueryRowContext(ctx, `SELECT `+outcomeColumns+` FROM outcomes
		WHERE run_id = ? AND applicant_id = ?`, run, applicant))
	return &record{data: o}, err
}

const reviewColumns = `id, document_id, verdict, reason, comment, reviewer, reviewed_at, version`

func scanReview(s scanner) (*selection.Review, error) {
	var r selection.Review
	var at string
	err := s.Scan(&r.ID, &r.DocumentID, &r.Verdict, &r.Reason, &r.Comment, &r.Reviewer, &at,
		&r.Version)
	if err != nil {
		return nil, notFound(err)
	}
	r.ReviewedAt, err = parseInstant(at)
	return &r, err
}

func readReview(ctx context.Context, q querier, key string) (*record, error) {
	r, err := scanReview(q.QueryRowContext(ctx, `SELECT `+reviewColumns+` FROM reviews
		WHERE id = ?`, key))
	if err != nil {
		return nil, err
	}
	return &record{data: r, headKind: selection.KindReview, headKey: r.DocumentID}, nil
}

func readSession(ctx context.Context, q querier, key string) (*record, error) {
	s, err := scanSession(q.QueryRowContext(ctx, sessionQuery, key))
	if err != nil {
		return nil, err
	}
	return &record{data: s, headKind: selection.KindSession, headKey: key}, nil
}

func readConvocation(ctx context.Context, q querier, key string) (*record, error) {
	session, applicant, err := splitKey(key)
	if err != nil {
		return nil, err
	}
	c := selection.Convocation{SessionID: session, ApplicantID: applicant}
	var slot string
	err = q.QueryRowContext(ctx, `SELECT slot, role FROM convocations WHERE session_id = ?
		AND applicant_id = ?`, session, applicant).Scan(&slot, &c.Role)
	if err != nil {
		return nil, notFound(err)
	}
	if c.Slot, err = parseInstant(slot); err != nil {
		return nil, err
	}
	return &record{data: &c, headKind: selection.KindConvocation, headKey: key}, nil
}

func readAttendance(ctx context.Context, q querier, key string) (*record, error) {
	session, applicant, err := splitKey(key)
	if err != nil {
		return nil, err
	}
	a := selection.Attendance{SessionID: session, ApplicantID: applicant}
	var at string
	err = q.QueryRowContext(ctx, `SELECT present, recorded_by, recorded_at FROM attendance
		WHERE session_id = ? AND applicant_id = ?`, session, applicant).Scan(&a.Present,
		&a.RecordedBy, &at)
	if err != nil {
		return nil, notFound(err)
	}
	if a.RecordedAt, err = parseInstant(at); err != nil {
		return nil, err
	}
	return &record{data: &a, headKind: selection.KindAttendance, headKey: key}, nil
}

func readScoreSheet(ctx context.Context, q querier, key string) (*record, error) {
	s, err := scanScoreSheet(q.QueryRowContext(ctx, scoreSheetQuery+` WHERE id = ?`, key))
	if err != nil {
		return nil, err
	}
	return &record{data: s, headKind: selection.KindScoreSheet, headKey: key}, nil
}

func readWithdrawal(ctx context.Context, q querier, key string) (*record, error) {
	var w selection.Withdrawal
	var at string
	err := q.QueryRowContext(ctx, `SELECT id, run_id, applicant_id, reason, replaced_by,
		recorded_by, recorded_at FROM withdrawals WHERE id = ?`, key).Scan(&w.ID, &w.RunID,
		&w.ApplicantID, &w.Reason, &w.ReplacedBy, &w.RecordedBy, &at)
	if err != nil {
		return nil, notFound(err)
	}
	if w.RecordedAt, err = parseInstant(at); err != nil {
		return nil, err
	}
	return &record{data: &w, headKind: selection.KindWithdrawal, headKey: key}, nil
}

// outcomesOf reads a run's outcomes inside a transaction.
func (tx *Tx) outcomesOf(runID string) ([]selection.Outcome, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+outcomeColumns+` FROM outcomes
		WHERE run_id = ? ORDER BY applicant_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("read outcomes: %w", err)
	}
	defer rows.Close()
	var out []selection.Outcome
	for rows.Next() {
		o, err := scanOutcome(rows)
		if err != nil {
			return nil, fmt.Errorf("read outcomes: %w", err)
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}
