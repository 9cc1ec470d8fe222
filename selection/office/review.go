package office

import (
	"context"
	"fmt"
	"slices"

	"intiqa/selection"
)

// ReviewCounts are the figures of SEED.md's document table, for one
// province: documents and applicants' files (all the documents of one
// applicant) by state.
type ReviewCounts struct {
	Documents, DocsAccepted, DocsRejected, DocsPending int
	// Files is the number of applicants who uploaded documents; a file is
	// accepted when all its documents are, rejected when any is, and
	// under examination otherwise.
	Files, FilesAccepted, FilesRejected, FilesPending int
}

// Examined returns the files examined: accepted or rejected.
func (c ReviewCounts) Examined() int { return c.FilesAccepted + c.FilesRejected }

// DocsReviewed returns the documents with a verdict.
func (c ReviewCounts) DocsReviewed() int { return c.DocsAccepted + c.DocsRejected }

// Dossier is the state of one applicant's documents.
type Dossier struct {
	Documents, Accepted, Rejected, Pending int
	Kinds                                  map[selection.DocumentKind]selection.Verdict
}

// State tells the file's verdict: accepted when every document is,
// rejected when any is, pending otherwise.
func (d Dossier) State() selection.Verdict {
	switch {
	case d.Rejected > 0:
		return selection.VerdictRejected
	case d.Documents > 0 && d.Accepted == d.Documents:
		return selection.VerdictAccepted
	}
	return selection.VerdictPending
}

// countReviews tallies document states by document and by file.
func countReviews(states []DocState) (ReviewCounts, map[string]*Dossier) {
	var c ReviewCounts
	files := map[string]*Dossier{}
	for _, st := range states {
		d := files[st.Document.ApplicantID]
		if d == nil {
			d = &Dossier{Kinds: map[selection.DocumentKind]selection.Verdict{}}
			files[st.Document.ApplicantID] = d
		}
		d.Documents++
		d.Kinds[st.Document.Kind] = st.Verdict
		c.Documents++
		switch st.Verdict {
		case selection.VerdictAccepted:
			d.Accepted++
			c.DocsAccepted++
		case selection.VerdictRejected:
			d.Rejected++
			c.DocsRejected++
		default:
			d.Pending++
			c.DocsPending++
		}
	}
	for _, d := range files {
		c.Files++
		switch d.State() {
		case selection.VerdictAccepted:
			c.FilesAccepted++
		case selection.VerdictRejected:
			c.FilesRejected++
		default:
			c.FilesPending++
		}
	}
	return c, files
}

// Dossiers returns each applicant's document file state, by applicant
// ID, and the province's counts.
func (s *Service) Dossiers(ctx context.Context) (map[string]*Dossier, ReviewCounts, error) {
	if _, err := s.check(ActViewApplicants); err != nil {
		return nil, ReviewCounts{}, err
	}
	states, err := s.store.DocumentStates(ctx)
	if err != nil {
		return nil, ReviewCounts{}, err
	}
	c, files := countReviews(states)
	return files, c, nil
}

// ReviewItem is one document of the review queue with its applicant.
type ReviewItem struct {
	Applicant *selection.Applicant
	Doc       DocState
	Nth, Of   int // the document's place among its applicant's documents
}

// ReviewQueue walks the documents awaiting review, one applicant's
// documents after another. It is used from one goroutine at a time.
type ReviewQueue struct {
	s      *Service
	items  []ReviewItem
	pos    int
	counts ReviewCounts
	apps   map[string]*selection.Applicant
	states map[string]*DocState // every document of the province, by ID
	byApp  map[string][]string  // document IDs by applicant
}

// ReviewQueue returns the queue of the province's pending documents, by
// applicant ID then document.
func (s *Service) ReviewQueue(ctx context.Context) (*ReviewQueue, error) {
	if _, err := s.check(ActReviewDocuments); err != nil {
		return nil, err
	}
	states, err := s.store.DocumentStates(ctx)
	if err != nil {
		return nil, err
	}
	q := &ReviewQueue{s: s, apps: map[string]*selection.Applicant{},
		states: map[string]*DocState{}, byApp: map[string][]string{}}
	q.counts, _ = countReviews(states)
	for i := range states {
		st := &states[i]
		q.states[st.Document.ID] = st
		q.byApp[st.Document.ApplicantID] = append(q.byApp[st.Document.ApplicantID], st.Document.ID)
	}
	of := map[string]int{}
	for _, st := range states {
		of[st.Document.ApplicantID]++
	}
	nth := map[string]int{}
	for _, st := range states {
		id := st.Document.ApplicantID
		nth[id]++
		if st.Verdict == selection.VerdictPending {
			q.items = append(q.items, ReviewItem{Doc: st, Nth: nth[id], Of: of[id]})
		}
	}
	return q, nil
}

// Len returns the number of documents the queue started with.
func (q *ReviewQueue) Len() int { return len(q.items) }

// Position returns the index of the current document, Len() at the end.
func (q *ReviewQueue) Position() int { return q.pos }

// Counts returns the province's review figures, kept up to date with the
// decisions taken through the queue.
func (q *ReviewQueue) Counts() ReviewCounts { return q.counts }

// Current returns the document on screen, or nil past the end.
func (q *ReviewQueue) Current(ctx context.Context) (*ReviewItem, error) {
	return q.Peek(ctx, 0)
}

// Peek returns the document k places after the current one, or nil past
// the end, with its applicant loaded.
func (q *ReviewQueue) Peek(ctx context.Context, k int) (*ReviewItem, error) {
	i := q.pos + k
	if i < 0 || i >= len(q.items) {
		return nil, nil
	}
	it := &q.items[i]
	if it.Applicant == nil {
		id := it.Doc.Document.ApplicantID
		a := q.apps[id]
		if a == nil {
			var err error
			if a, err = q.s.store.Applicant(ctx, id); err != nil {
				return nil, err
			}
			q.apps[id] = a
		}
		it.Applicant = a
	}
	out := *it
	return &out, nil
}

// Dossier returns every document of an applicant with its state, as
// the queue's decisions left them.
func (q *ReviewQueue) Dossier(applicantID string) []DocState {
	var out []DocState
	for _, id := range q.byApp[applicantID] {
		out = append(out, *q.states[id])
	}
	return out
}

// Skip moves to the next document without a decision.
func (q *ReviewQueue) Skip() {
	q.s.Touch()
	if q.pos < len(q.items) {
		q.pos++
	}
}

// Back moves to the previous document, to see or change its verdict.
func (q *ReviewQueue) Back() {
	q.s.Touch()
	if q.pos > 0 {
		q.pos--
	}
}

// Accept accepts the current document and moves to the next.
func (q *ReviewQueue) Accept(ctx context.Context) error {
	return q.decide(ctx, selection.VerdictAccepted, "")
}

// Reject rejects the current document for a reason of the closed list
// and moves to the next.
func (q *ReviewQueue) Reject(ctx context.Context, reason selection.RejectReason) error {
	if !slices.Contains(selection.RejectReasons, reason) {
		return fmt.Errorf("reject reason %q: %w", reason, ErrInvalid)
	}
	return q.decide(ctx, selection.VerdictRejected, reason)
}

// decide records a verdict on the current document, on top of the
// latest review the queue knows of (a stale one is refused by the
// store), and moves to the next.
func (q *ReviewQueue) decide(ctx context.Context, v selection.Verdict,
	reason selection.RejectReason) error {
	u, err := q.s.check(ActReviewDocuments)
	if err != nil {
		return err
	}
	if q.pos >= len(q.items) {
		return fmt.Errorf("review: queue finished: %w", ErrInvalid)
	}
	it := &q.items[q.pos]
	r := &selection.Review{ID: q.s.opts.NewID(), DocumentID: it.Doc.Document.ID, Verdict: v,
		Reason: reason, Reviewer: u.Name, ReviewedAt: q.s.opts.Now().UTC(),
		Version: it.Doc.Version + 1}
	if err := q.s.store.AddReview(ctx, u.Name, r); err != nil {
		return fmt.Errorf("review of %s: %w", r.DocumentID, err)
	}
	q.count(it.Doc.Verdict, -1)
	q.count(v, +1)
	it.Doc.Verdict, it.Doc.Reason, it.Doc.Version, it.Doc.Reviewer = v, reason, r.Version, u.Name
	*q.states[it.Doc.Document.ID] = it.Doc
	q.pos++
	return nil
}

// count moves one document in or out of a verdict's count.
func (q *ReviewQueue) count(v selection.Verdict, n int) {
	switch v {
	case selection.VerdictAccepted:
		q.counts.DocsAccepted += n
	case selection.VerdictRejected:
		q.counts.DocsRejected += n
	default:
		q.counts.DocsPending += n
	}
}

// DocumentFile returns a document's bytes, checked against its SHA-256.
func (s *Service) DocumentFile(d *selection.Document) ([]byte, error) {
	if _, err := s.check(ActViewDocumentFiles); err != nil {
		return nil, err
	}
	return s.files.Read(d)
}

// DocumentPath returns the path of a document's file, for the system
// viewer.
func (s *Service) DocumentPath(d *selection.Document) (string, error) {
	if _, err := s.check(ActViewDocumentFiles); err != nil {
		return "", err
	}
	return s.files.Path(d)
}
