package localdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"intiqa/selection"
)

// PutRubric stores a rubric version. A version, once stored, cannot be
// changed: headquarters publishes a new one instead.
func (db *DB) PutRubric(ctx context.Context, actor string, r *selection.Rubric) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode rubric: %w", err)
	}
	return db.update(ctx, actor, func(tx *Tx) error { return tx.putRubric(r, string(body)) })
}

// putRubric writes a new rubric version, its canonical JSON in body.
func (tx *Tx) putRubric(r *selection.Rubric, body string) error {
	if _, err := tx.exec(`INSERT INTO rubrics (version, body) VALUES (?, ?)`,
		r.Version, body); err != nil {
		return fmt.Errorf("write rubric %s: %w", r.Version, err)
	}
	return tx.audit("rubric.put", "rubric", r.Version, nil, r)
}

// Rubric returns one rubric version.
func (db *DB) Rubric(ctx context.Context, version string) (*selection.Rubric, error) {
	var body string
	err := db.reader.QueryRowContext(ctx, `SELECT body FROM rubrics WHERE version = ?`,
		version).Scan(&body)
	if err != nil {
		return nil, fmt.Errorf("rubric %s: %w", version, notFound(err))
	}
	var r selection.Rubric
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return nil, fmt.Errorf("decode rubric %s: %w", version, err)
	}
	return &r, nil
}

// PutSession creates or updates an interview session of the store's
// province.
func (db *DB) PutSession(ctx context.Context, actor string, s *selection.InterviewSession) error {
	return db.update(ctx, actor, func(tx *Tx) error { return tx.putSession(s) })
}

// putSession creates or updates a session of the store's province.
func (tx *Tx) putSession(s *selection.InterviewSession) error {
	if !tx.db.inScope(s.ProvinceCode) {
		return fmt.Errorf("session %s of province %s: %w", s.ID, s.ProvinceCode, ErrScope)
	}
	panel, err := json.Marshal(s.Panel)
	if err != nil {
		return fmt.Errorf("encode panel: %w", err)
	}
	before, err := tx.db.sessionIn(tx, s.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if before != nil && before.ProvinceCode != s.ProvinceCode {
		return fmt.Errorf("session %s of province %s: a session never changes province",
			s.ID, before.ProvinceCode)
	}
	_, err = tx.exec(`INSERT INTO interview_sessions (id, province_code, starts_at, place,
		panel, version) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
		province_code = excluded.province_code, starts_at = excluded.starts_at,
		place = excluded.place, panel = excluded.panel, version = excluded.version`,
		s.ID, s.ProvinceCode, formatInstant(s.StartsAt), s.Place, string(panel), s.Version)
	if err != nil {
		return fmt.Errorf("write session %s: %w", s.ID, err)
	}
	return tx.audit("session.put", "session", s.ID, nilIfNone(before), s)
}

func (db *DB) sessionIn(tx *Tx, id string) (*selection.InterviewSession, error) {
	return scanSession(tx.queryRow(sessionQuery, id))
}

const sessionQuery = `SELECT id, province_code, starts_at, place, panel, version
	FROM interview_sessions WHERE id = ?`

func scanSession(s scanner) (*selection.InterviewSession, error) {
	var x selection.InterviewSession
	var at, panel string
	if err := s.Scan(&x.ID, &x.ProvinceCode, &at, &x.Place, &panel, &x.Version); err != nil {
		return nil, notFound(err)
	}
	var err error
	if x.StartsAt, err = parseInstant(at); err != nil {
		return nil, err
	}
	return &x, json.Unmarshal([]byte(panel), &x.Panel)
}

// Session returns one interview session.
func (db *DB) Session(ctx context.Context, id string) (*selection.InterviewSession, error) {
	s, err := scanSession(db.reader.QueryRowContext(ctx, sessionQuery, id))
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	return s, nil
}

// PutConvocation gives an applicant a slot in a session.
func (db *DB) PutConvocation(ctx context.Context, actor string, c *selection.Convocation) error {
	return db.update(ctx, actor, func(tx *Tx) error { return tx.putConvocation(c) })
}

// putConvocation creates or updates a convocation.
func (tx *Tx) putConvocation(c *selection.Convocation) error {
	_, err := tx.exec(`INSERT INTO convocations (session_id, applicant_id, slot, role)
		VALUES (?, ?, ?, ?) ON CONFLICT (session_id, applicant_id) DO UPDATE SET
		slot = excluded.slot, role = excluded.role`, c.SessionID, c.ApplicantID,
		formatInstant(c.Slot), string(c.Role))
	if err != nil {
		return fmt.Errorf("write convocation: %w", err)
	}
	return tx.audit("convocation.put", "convocation", c.SessionID+"/"+c.ApplicantID, nil, c)
}

// Convocations returns a session's convocations, by slot.
func (db *DB) Convocations(ctx context.Context, sessionID string) ([]selection.Convocation, error) {
	return db.convocations(ctx, ` WHERE session_id = ?`, sessionID)
}

// convocations reads the convocations a WHERE clause picks, by session
// and slot.
func (db *DB) convocations(ctx context.Context, where string,
	args ...any) ([]selection.Convocation, error) {
	var out []selection.Convocation
	err := db.each(ctx, `SELECT session_id, applicant_id, slot, role FROM convocations`+where+
		` ORDER BY session_id, slot, applicant_id`, args, func(s scanner) error {
		var c selection.Convocation
		var slot string
		if err := s.Scan(&c.SessionID, &c.ApplicantID, &slot, &c.Role); err != nil {
			return err
		}
		var err error
		c.Slot, err = parseInstant(slot)
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read convocations: %w", err)
	}
	return out, nil
}

// PutAttendance records whether a convoked applicant came.
func (db *DB) PutAttendance(ctx context.Context, actor string, a *selection.Attendance) error {
	return db.update(ctx, actor, func(tx *Tx) error { return tx.putAttendance(a) })
}

// putAttendance creates or updates an attendance record.
func (tx *Tx) putAttendance(a *selection.Attendance) error {
	_, err := tx.exec(`INSERT INTO attendance (session_id, applicant_id, present,
		recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, applicant_id)
		DO UPDATE SET present = excluded.present, recorded_by = excluded.recorded_by,
		recorded_at = excluded.recorded_at`, a.SessionID, a.ApplicantID, a.Present,
		a.RecordedBy, formatInstant(a.RecordedAt))
	if err != nil {
		return fmt.Errorf("write attendance: %w", err)
	}
	return tx.audit("attendance.put", "attendance", a.SessionID+"/"+a.ApplicantID, nil, a)
}

// Attendance returns a session's attendance records, by applicant.
func (db *DB) Attendance(ctx context.Context, sessionID string) ([]selection.Attendance, error) {
	return db.attendance(ctx, ` WHERE session_id = ?`, sessionID)
}

// attendance reads the attendance records a WHERE clause picks, by
// session and applicant.
func (db *DB) attendance(ctx context.Context, where string,
	args ...any) ([]selection.Attendance, error) {
	var out []selection.Attendance
	err := db.each(ctx, `SELECT session_id, applicant_id, present, recorded_by, recorded_at
		FROM attendance`+where+` ORDER BY session_id, applicant_id`, args, func(s scanner) error {
		var a selection.Attendance
		var at string
		err := s.Scan(&a.SessionID, &a.ApplicantID, &a.Present, &a.RecordedBy, &at)
		if err != nil {
			return err
		}
		a.RecordedAt, err = parseInstant(at)
		out = append(out, a)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read attendance: %w", err)
	}
	return out, nil
}

// PutScoreSheet saves a panel member's sheet. A submitted sheet is final.
func (db *DB) PutScoreSheet(ctx context.Context, actor string, s *selection.ScoreSheet) error {
	return db.update(ctx, actor, func(tx *Tx) error { return tx.putScoreSheet(s) })
}

// putScoreSheet saves a sheet unless the stored one is submitted.
func (tx *Tx) putScoreSheet(s *selection.ScoreSheet) error {
	points, err := json.Marshal(s.Points)
	if err != nil {
		return fmt.Errorf("encode points: %w", err)
	}
	notes, err := json.Marshal(s.Notes)
	if err != nil {
		return fmt.Errorf("encode notes: %w", err)
	}
	before, err := scanScoreSheet(tx.queryRow(scoreSheetQuery+` WHERE id = ?`, s.ID))
	switch {
	case err != nil && !errors.Is(err, ErrNotFound):
		return err
	case before != nil && before.Submitted():
		return fmt.Errorf("score sheet %s: %w", s.ID, ErrLocked)
	case before != nil && (before.SessionID != s.SessionID ||
		before.ApplicantID != s.ApplicantID || before.Member != s.Member):
		// Its province, its candidate or its author would change under
		// the same ID, and a pusher's scope is checked on the new one.
		return fmt.Errorf("score sheet %s of member %s on applicant %s in session %s: "+
			"a score sheet never changes session, applicant or member",
			s.ID, before.Member, before.ApplicantID, before.SessionID)
	}
	_, err = tx.exec(`INSERT INTO score_sheets (id, session_id, applicant_id, member, points,
		notes, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
		points = excluded.points, notes = excluded.notes, submitted_at = excluded.submitted_at`,
		s.ID, s.SessionID, s.ApplicantID, s.Member, string(points), string(notes),
		formatInstant(s.SubmittedAt))
	if err != nil {
		return fmt.Errorf("write score sheet %s: %w", s.ID, err)
	}
	return tx.audit("score_sheet.put", "score_sheet", s.ID, nilIfNone(before), s)
}

const scoreSheetQuery = `SELECT id, session_id, applicant_id, member, points, notes,
	submitted_at FROM score_sheets`

func scanScoreSheet(s scanner) (*selection.ScoreSheet, error) {
	var x selection.ScoreSheet
	var points, notes, at string
	err := s.Scan(&x.ID, &x.SessionID, &x.ApplicantID, &x.Member, &points, &notes, &at)
	if err != nil {
		return nil, notFound(err)
	}
	if x.SubmittedAt, err = parseInstant(at); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(points), &x.Points); err != nil {
		return nil, err
	}
	return &x, json.Unmarshal([]byte(notes), &x.Notes)
}

// ScoreSheets returns the sheets of one candidate in one session, by
// member.
func (db *DB) ScoreSheets(ctx context.Context, sessionID, applicantID string) ([]selection.ScoreSheet, error) {
	return db.sheets(ctx, ` WHERE session_id = ? AND applicant_id = ?`, sessionID, applicantID)
}

// sheets reads the score sheets a WHERE clause picks, by session,
// applicant and member.
func (db *DB) sheets(ctx context.Context, where string, args ...any) ([]selection.ScoreSheet, error) {
	var out []selection.ScoreSheet
	err := db.each(ctx, scoreSheetQuery+where+` ORDER BY session_id, applicant_id, member`, args,
		func(s scanner) error {
			x, err := scanScoreSheet(s)
			if err == nil {
				out = append(out, *x)
			}
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read score sheets: %w", err)
	}
	return out, nil
}
