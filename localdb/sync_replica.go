package localdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"intiqa/selection"
)

// The writers of records copied from headquarters. Each one is
// idempotent: writing a record already held changes nothing.

// applyTerritory writes a pulled region, province or commune.
func (tx *Tx) applyTerritory(c selection.Change) error {
	var err error
	switch c.Kind {
	case selection.KindRegion:
		err = applyAs(c, func(r *selection.Region) error {
			_, err := tx.exec(`INSERT INTO regions (code, name_fr, name_ar, population, households)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name_fr = excluded.name_fr,
				name_ar = excluded.name_ar, population = excluded.population,
				households = excluded.households`, r.Code, r.NameFR, r.NameAR, r.Population,
				r.Households)
			return err
		})
	case selection.KindProvince:
		err = applyAs(c, func(p *selection.Province) error {
			_, err := tx.exec(`INSERT INTO provinces (code, region_code, name_fr, name_ar, type,
				population, households) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE
				SET region_code = excluded.region_code, name_fr = excluded.name_fr,
				name_ar = excluded.name_ar, type = excluded.type, population = excluded.population,
				households = excluded.households`, p.Code, p.RegionCode, p.NameFR, p.NameAR,
				string(p.Type), p.Population, p.Households)
			return err
		})
	default:
		err = applyAs(c, func(m *selection.Commune) error {
			_, err := tx.exec(`INSERT INTO communes (code, province_code, region_code, name_fr,
				name_ar, type, population, households) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET province_code = excluded.province_code,
				region_code = excluded.region_code, name_fr = excluded.name_fr,
				name_ar = excluded.name_ar, type = excluded.type, population = excluded.population,
				households = excluded.households`, m.Code, m.ProvinceCode, m.RegionCode, m.NameFR,
				m.NameAR, string(m.Type), m.Population, m.Households)
			return err
		})
	}
	return err
}

// PublishRules records a rules file that headquarters publishes; laptops
// receive it with their next pull. Publishing the same version again
// with the same content changes nothing.
func (db *DB) PublishRules(ctx context.Context, actor string, body []byte) (*PublishedRules, error) {
	r, err := selection.ParseRules(body)
	if err != nil {
		return nil, err
	}
	p := &PublishedRules{Version: r.Version, Hash: r.Hash(), Body: body, PublishedAt: db.now().UTC()}
	err = db.update(ctx, actor, func(tx *Tx) error {
		var hash string
		err := tx.queryRow(`SELECT hash FROM rules WHERE version = ?`,
			p.Version).Scan(&hash)
		switch err = notFound(err); {
		case err == nil && hash == p.Hash:
			return nil
		case err == nil:
			return fmt.Errorf("rules %s are published already with other content: "+
				"give the new rules another version", p.Version)
		case err != ErrNotFound:
			return err
		}
		if err := tx.putRules(p); err != nil {
			return err
		}
		return tx.audit("rules.publish", "rules", p.Version, nil,
			map[string]string{"version": p.Version, "hash": p.Hash})
	})
	return p, err
}

// putRules writes a published rules file.
func (tx *Tx) putRules(r *PublishedRules) error {
	_, err := tx.exec(`INSERT INTO rules (version, hash, body, published_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (version) DO UPDATE SET hash = excluded.hash, body = excluded.body,
		published_at = excluded.published_at`, r.Version, r.Hash, string(r.Body),
		formatInstant(r.PublishedAt))
	if err != nil {
		return fmt.Errorf("write rules %s: %w", r.Version, err)
	}
	return nil
}

// PublishedRulesList returns the published rules, by version.
func (db *DB) PublishedRulesList(ctx context.Context) ([]PublishedRules, error) {
	var out []PublishedRules
	err := db.each(ctx, `SELECT version FROM rules ORDER BY version`, nil, func(s scanner) error {
		var v string
		if err := s.Scan(&v); err != nil {
			return err
		}
		rec, err := readRules(ctx, db.reader, v)
		if err == nil {
			out = append(out, *rec.data.(*PublishedRules))
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	return out, nil
}

// replicaApplicant writes a pulled applicant, who must be of the store's
// province.
func (tx *Tx) replicaApplicant(a *selection.Applicant) error {
	if !tx.db.inScope(a.ProvinceCode()) {
		return fmt.Errorf("applicant %s of province %s: %w", a.ID, a.ProvinceCode(), ErrScope)
	}
	_, err := tx.putApplicant(a, true)
	return err
}

// replicaRun writes a pulled run record.
func (tx *Tx) replicaRun(r *selection.Run) error {
	params, err := json.Marshal(r.Params)
	if err != nil {
		return fmt.Errorf("encode run parameters: %w", err)
	}
	_, err = tx.exec(`INSERT INTO runs (`+runColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, scope = excluded.scope,
		rules_version = excluded.rules_version, rules_hash = excluded.rules_hash,
		seed = excluded.seed, params = excluded.params, input_hash = excluded.input_hash,
		output_hash = excluded.output_hash, started_at = excluded.started_at,
		committed_at = excluded.committed_at, created_by = excluded.created_by`,
		r.ID, string(r.Kind), r.Scope, r.RulesVersion, r.RulesHash, r.Seed, string(params),
		r.InputHash, r.OutputHash, formatInstant(r.StartedAt), formatInstant(r.CommittedAt),
		r.CreatedBy)
	if err != nil {
		return fmt.Errorf("write run %s: %w", r.ID, err)
	}
	return nil
}

// replicaOutcome writes a pulled outcome.
func (tx *Tx) replicaOutcome(o *selection.Outcome) error {
	_, err := tx.exec(`INSERT INTO outcomes (`+outcomeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (run_id, applicant_id) DO UPDATE SET status = excluded.status,
		commune_code = excluded.commune_code, role = excluded.role, rank = excluded.rank,
		score = excluded.score, lottery = excluded.lottery, reason = excluded.reason`,
		o.RunID, o.ApplicantID, string(o.Status), o.CommuneCode, string(o.Role), o.Rank, o.Score,
		strconv.FormatUint(o.Lottery, 10), o.Reason)
	if err != nil {
		return fmt.Errorf("write outcome %s/%s: %w", o.RunID, o.ApplicantID, err)
	}
	return nil
}

// replicaReview writes a pulled review. Local reviews of the document at
// its version or later whose decisions headquarters refused lost a
// conflict: they are removed (their decisions wait among the conflicts)
// and the removal is audited.
func (tx *Tx) replicaReview(r *selection.Review) error {
	var later int
	err := tx.queryRow(`SELECT count(*) FROM reviews WHERE document_id = ? AND version >= ?
		AND id != ?`, r.DocumentID, r.Version, r.ID).Scan(&later)
	if err != nil {
		return fmt.Errorf("read reviews: %w", err)
	}
	if later > 0 {
		if err := tx.supersedeReviews(r); err != nil {
			return err
		}
	}
	_, err = tx.exec(`INSERT INTO reviews (`+reviewColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, r.ID, r.DocumentID, string(r.Verdict), string(r.Reason),
		r.Comment, r.Reviewer, formatInstant(r.ReviewedAt), r.Version)
	if err != nil {
		return fmt.Errorf("write review %s: %w", r.ID, err)
	}
	return nil
}

// supersedeReviews removes the local reviews a pulled one displaces.
func (tx *Tx) supersedeReviews(r *selection.Review) error {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+reviewColumns+` FROM reviews
		WHERE document_id = ? AND version >= ? AND id != ?
		AND (id IN (SELECT json_extract(mine, '$.ID') FROM sync_conflicts
				WHERE kind = 'review' AND key = document_id)
			OR id IN (SELECT json_extract(data, '$.ID') FROM sync_outbox
				WHERE kind = 'review' AND key = document_id))`, r.DocumentID, r.Version, r.ID)
	if err != nil {
		return fmt.Errorf("read reviews: %w", err)
	}
	var losers []*selection.Review
	for rows.Next() {
		l, err := scanReview(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("read reviews: %w", err)
		}
		losers = append(losers, l)
	}
	rows.Close()
	// A review at the same version that headquarters never refused (a
	// headquarters restored from a backup) would block the pull for
	// ever: it is kept among the conflicts too.
	occupant, err := scanReview(tx.queryRow(`SELECT `+reviewColumns+` FROM reviews
		WHERE document_id = ? AND version = ? AND id != ?`, r.DocumentID, r.Version, r.ID))
	switch {
	case err == nil && !slices.ContainsFunc(losers, func(l *selection.Review) bool {
		return l.ID == occupant.ID
	}):
		if err := tx.keepOrphanReview(occupant, r); err != nil {
			return err
		}
		losers = append(losers, occupant)
	case err != nil && !errors.Is(err, ErrNotFound):
		return fmt.Errorf("read reviews: %w", err)
	}
	for _, l := range losers {
		if _, err := tx.exec(`DELETE FROM reviews WHERE id = ?`, l.ID); err != nil {
			return fmt.Errorf("remove review %s: %w", l.ID, err)
		}
		if err := tx.auditAlways("review.superseded", "review", l.ID, l, nil); err != nil {
			return err
		}
	}
	return nil
}

// replicaScoreSheet writes a pulled score sheet, even over a submitted
// one: headquarters' version won, and the laptop's waits among the
// conflicts.
func (tx *Tx) replicaScoreSheet(s *selection.ScoreSheet) error {
	points, err := json.Marshal(s.Points)
	if err != nil {
		return fmt.Errorf("encode points: %w", err)
	}
	notes, err := json.Marshal(s.Notes)
	if err != nil {
		return fmt.Errorf("encode notes: %w", err)
	}
	_, err = tx.exec(`INSERT INTO score_sheets (id, session_id, applicant_id, member, points,
		notes, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
		points = excluded.points, notes = excluded.notes, submitted_at = excluded.submitted_at`,
		s.ID, s.SessionID, s.ApplicantID, s.Member, string(points), string(notes),
		formatInstant(s.SubmittedAt))
	if err != nil {
		return fmt.Errorf("write score sheet %s: %w", s.ID, err)
	}
	return nil
}

// replicaWithdrawal writes a pulled withdrawal, once.
func (tx *Tx) replicaWithdrawal(w *selection.Withdrawal) error {
	_, err := tx.exec(`INSERT INTO withdrawals (id, run_id, applicant_id, reason, replaced_by,
		recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		w.ID, w.RunID, w.ApplicantID, w.Reason, w.ReplacedBy, w.RecordedBy,
		formatInstant(w.RecordedAt))
	if err != nil {
		return fmt.Errorf("write withdrawal %s: %w", w.ID, err)
	}
	return nil
}

// keepOrphanReview keeps among the conflicts a local review that a
// pulled one displaces although headquarters never refused it.
func (tx *Tx) keepOrphanReview(mine, theirs *selection.Review) error {
	m, err := json.Marshal(mine)
	if err != nil {
		return err
	}
	t, err := json.Marshal(theirs)
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO sync_conflicts (id, kind, key, status, reason, actor, mine,
		theirs, detected_at) VALUES (?, 'review', ?, 'conflict', ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, "review:"+mine.ID, mine.DocumentID,
		"headquarters holds another review at this version", mine.Reviewer, string(m), string(t),
		formatInstant(tx.now))
	if err != nil {
		return fmt.Errorf("queue conflict on review %s: %w", mine.ID, err)
	}
	return nil
}
