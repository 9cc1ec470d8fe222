package localdb

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"intiqa/selection"
)

// settingPruneFiles is set by a pull that removed documents: their files
// wait for PruneFiles.
const settingPruneFiles = "prune_files"

// applyRemoval takes off this laptop a record that left its province.
func (tx *Tx) applyRemoval(r *selection.Removal) error {
	if r.Kind != selection.KindApplicant {
		return fmt.Errorf("removal of a %q: not a kind that leaves a province", r.Kind)
	}
	return tx.removeApplicant(r.Key, r.Province)
}

// removeApplicant deletes an applicant who moved to province to, with
// everything of theirs this laptop holds: documents' metadata and their
// reviews, training progress, outcomes of every run, convocations with
// their attendance and score sheets, and the versions of those decided
// records. This laptop's pending decisions about them cannot apply at
// headquarters any more: they move to the conflicts, rejected with the
// reason, for a supervisor to see, and the open conflicts about them
// become rejections too. Withdrawals stay: they are records of
// the province's final selection. The files of removed documents are
// deleted after the transaction, by PruneFiles. It is audited when it
// removed anything.
func (tx *Tx) removeApplicant(id, to string) error {
	before, _, err := scanApplicant(tx.queryRow(`SELECT `+applicantColumns+`
		FROM applicants WHERE id = ?`, id))
	if err := notFound(err); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("read applicant %s: %w", id, err)
	}
	reason := MovedReason(id, tx.db.scope, to)
	rejected, err := tx.rejectPendingOn(id, reason)
	if err != nil {
		return err
	}
	// A conflict about them waiting for a supervisor can no longer be
	// settled with headquarters' version, which this laptop will not
	// receive: it becomes a rejection, which the supervisor gives up.
	_, err = tx.exec(`UPDATE sync_conflicts SET status = 'rejected', reason = ?2
		WHERE resolved_at = '' AND status = 'conflict' AND (
			(kind = 'review' AND key IN (SELECT id FROM documents WHERE applicant_id = ?1))
			OR (kind IN ('convocation', 'attendance', 'score_sheet')
				AND json_extract(mine, '$.ApplicantID') = ?1))`, id, reason)
	if err != nil {
		return fmt.Errorf("reject conflicts on applicant %s: %w", id, err)
	}
	if _, err := tx.exec(`DELETE FROM sync_heads WHERE
		(kind = 'review' AND key IN (SELECT id FROM documents WHERE applicant_id = ?1))
		OR (kind IN ('convocation', 'attendance') AND key IN
			(SELECT session_id || '/' || applicant_id FROM convocations WHERE applicant_id = ?1))
		OR (kind = 'score_sheet' AND key IN
			(SELECT id FROM score_sheets WHERE applicant_id = ?1))`, id); err != nil {
		return fmt.Errorf("forget versions of applicant %s: %w", id, err)
	}
	counts := map[string]int64{}
	for _, d := range []struct{ what, query string }{
		{"score_sheets", `DELETE FROM score_sheets WHERE applicant_id = ?`},
		{"attendance", `DELETE FROM attendance WHERE applicant_id = ?`},
		{"convocations", `DELETE FROM convocations WHERE applicant_id = ?`},
		{"reviews", `DELETE FROM reviews WHERE document_id IN
			(SELECT id FROM documents WHERE applicant_id = ?)`},
		{"documents", `DELETE FROM documents WHERE applicant_id = ?`},
		{"training", `DELETE FROM training WHERE applicant_id = ?`},
		{"outcomes", `DELETE FROM outcomes WHERE applicant_id = ?`},
		{"notifications", `DELETE FROM notifications WHERE applicant_id = ?`},
		{"applicants", `DELETE FROM applicants WHERE id = ?`},
	} {
		res, err := tx.exec(d.query, id)
		if err != nil {
			return fmt.Errorf("remove %s of applicant %s: %w", d.what, id, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			counts[d.what] = n
		}
	}
	if counts["documents"] > 0 {
		// A new value each time, so that a prune under way when this
		// commits leaves the flag for the next one.
		_, err := tx.exec(`INSERT INTO sync_settings (key, value)
			VALUES (?, lower(hex(randomblob(8))))
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingPruneFiles)
		if err != nil {
			return fmt.Errorf("write setting %s: %w", settingPruneFiles, err)
		}
	}
	if len(counts) == 0 && rejected == 0 {
		return nil // never held here
	}
	after := map[string]any{"province": to, "removed": counts, "decisions_rejected": rejected}
	if before == nil {
		return tx.auditAlways("applicant.removed", "applicant", id, nil, after)
	}
	return tx.auditAlways("applicant.removed", "applicant", id, before, after)
}

// rejectPendingOn moves this laptop's pending decisions about an
// applicant to the conflicts, rejected with reason, and returns how many
// there were.
func (tx *Tx) rejectPendingOn(id, reason string) (int, error) {
	var seqs []int64
	err := tx.eachRow(`SELECT seq FROM sync_outbox WHERE
		(kind = 'review' AND key IN (SELECT id FROM documents WHERE applicant_id = ?1))
		OR (kind IN ('convocation', 'attendance', 'score_sheet')
			AND json_extract(data, '$.ApplicantID') = ?1)
		ORDER BY seq`, []any{id}, func(s scanner) error {
		var seq int64
		err := s.Scan(&seq)
		seqs = append(seqs, seq)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	for _, seq := range seqs {
		it, err := tx.outboxItem(seq)
		if err != nil {
			return 0, err
		}
		if err := tx.moveToConflicts(it, selection.DecisionRejected, reason, nil); err != nil {
			return 0, err
		}
	}
	return len(seqs), nil
}

// PruneFiles deletes from a laptop's folder of document files those no
// document of the store names any more, after a pull removed documents;
// a file another document shares (same SHA-256) stays. It returns how
// many files it deleted. It does nothing when no pull removed a document
// since it last ran; a crash before its end leaves it to do on the next
// call.
func (db *DB) PruneFiles(ctx context.Context, f Files) (int, error) {
	flag, err := db.Setting(ctx, settingPruneFiles)
	if err != nil || flag == "" {
		return 0, err
	}
	keep := map[string]bool{}
	err = db.each(ctx, `SELECT DISTINCT sha256 FROM documents`, nil, func(s scanner) error {
		var sum string
		err := s.Scan(&sum)
		keep[sum] = true
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("read documents: %w", err)
	}
	entries, err := os.ReadDir(f.Dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("list document files: %w", err)
	}
	n := 0
	for _, e := range entries {
		// A file, its partial download or its temporary copy:
		// SHA-256.ext, SHA-256.ext.part, SHA-256.ext.tmp.
		sum, _, _ := strings.Cut(e.Name(), ".")
		if _, herr := hex.DecodeString(sum); e.IsDir() || len(sum) != 64 || herr != nil ||
			keep[sum] {
			continue
		}
		if err := os.Remove(filepath.Join(f.Dir, e.Name())); err != nil &&
			!errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("delete document file: %w", err)
		}
		n++
	}
	_, err = db.writer.ExecContext(ctx, `DELETE FROM sync_settings WHERE key = ? AND value = ?`,
		settingPruneFiles, flag)
	if err != nil {
		return n, fmt.Errorf("record files pruned: %w", err)
	}
	return n, nil
}
