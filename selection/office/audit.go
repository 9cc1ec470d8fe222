package office

import (
	"context"

	"intiqa/selection"
)

// AuditView is the end of the audit log as the administrator sees it:
// the latest entries, without the states they record (which hold
// personal data), and whether the chain holds.
type AuditView struct {
	Entries []selection.AuditEntry // latest last; Before and After left out
	Total   int64                  // entries checked
	Broken  error                  // nil when every entry matches its hash and its predecessor
}

// AuditTail verifies the whole audit log's chain and returns its last n
// entries.
func (s *Service) AuditTail(ctx context.Context, n int) (*AuditView, error) {
	if _, err := s.check(ActViewAuditLog); err != nil {
		return nil, err
	}
	v := &AuditView{}
	v.Total, v.Broken = s.store.VerifyAudit(ctx)
	from := max(1, v.Total-int64(n)+1)
	entries, err := s.store.AuditLog(ctx, from, n)
	if err != nil {
		return nil, err
	}
	for i := range entries {
		entries[i].Before, entries[i].After = "", ""
	}
	v.Entries = entries
	return v, nil
}
