package selection

// CommuneTally counts what the statistics of SEED.md report for one
// commune: the applicants whose first choice it is, by category; those
// invited to remote training (who have training progress); and their
// document files by review outcome.
type CommuneTally struct {
	CommuneCode string
	Applicants  map[Category]int
	Invited     int
	Files       int // applicants who uploaded documents
	Accepted    int // files whose every document is accepted
	Rejected    int // files with a rejected document
}

// Examined returns the files a supervisor has decided: accepted or
// rejected.
func (t *CommuneTally) Examined() int { return t.Accepted + t.Rejected }

// Pending returns the files still under examination.
func (t *CommuneTally) Pending() int { return t.Files - t.Examined() }

// TotalApplicants returns the commune's applicants of every category.
func (t *CommuneTally) TotalApplicants() int {
	n := 0
	for _, c := range t.Applicants {
		n += c
	}
	return n
}

// Add adds the counts of u to t (whose code it keeps).
func (t *CommuneTally) Add(u *CommuneTally) {
	if t.Applicants == nil {
		t.Applicants = make(map[Category]int, len(Categories))
	}
	for c, n := range u.Applicants {
		t.Applicants[c] += n
	}
	t.Invited += u.Invited
	t.Files += u.Files
	t.Accepted += u.Accepted
	t.Rejected += u.Rejected
}

// DocumentReview is a document with its latest review, nil while no
// supervisor has looked at it.
type DocumentReview struct {
	Document Document
	Latest   *Review
}

// Verdict returns the document's current verdict: its latest review's,
// or pending.
func (d *DocumentReview) Verdict() Verdict {
	if d.Latest == nil {
		return VerdictPending
	}
	return d.Latest.Verdict
}

// FileVerdict returns the verdict on an applicant's whole file from its
// documents' verdicts: rejected when any document is, accepted when all
// are, pending otherwise (and for a file with no document).
func FileVerdict(verdicts []Verdict) Verdict {
	accepted := len(verdicts) > 0
	for _, v := range verdicts {
		switch v {
		case VerdictRejected:
			return VerdictRejected
		case VerdictPending:
			accepted = false
		}
	}
	if accepted {
		return VerdictAccepted
	}
	return VerdictPending
}
