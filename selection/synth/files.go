package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"

	"intiqa/selection"
)

// ErrUnknownApplicant is returned for a document whose applicant is not in
// the generator's scope.
var ErrUnknownApplicant = errors.New("unknown applicant")

// Renderer makes the file of a document of an applicant. It must be
// deterministic: the same document and applicant always give the same
// bytes. reports/specimen provides one; the generator takes it as a
// parameter so that this package stays free of file formats.
type Renderer func(d selection.Document, a *selection.Applicant) ([]byte, error)

// DocumentFile is a rendered document: its metadata, SHA256 and Size
// filled, and its bytes.
type DocumentFile struct {
	Document selection.Document
	Bytes    []byte
}

// DocumentFiles streams every uploaded document rendered by render, with
// SHA256 and Size set from the bytes. It stops at the first error.
func (g *Generator) DocumentFiles(render Renderer) iter.Seq2[DocumentFile, error] {
	return func(yield func(DocumentFile, error) bool) {
		for u := range g.Uploads() {
			for _, d := range u.Documents {
				f, err := RenderDocument(d, u.Applicant, render)
				if !yield(f, err) || err != nil {
					return
				}
			}
		}
	}
}

// DocumentBytes renders the file of a document again, from its metadata
// alone: the applicant is regenerated from its ID.
func (g *Generator) DocumentBytes(d selection.Document, render Renderer) ([]byte, error) {
	a, ok := g.Applicant(d.ApplicantID)
	if !ok {
		return nil, fmt.Errorf("document %s: %w", d.ID, ErrUnknownApplicant)
	}
	f, err := RenderDocument(d, a, render)
	return f.Bytes, err
}

// RenderDocument renders one document of an applicant and sets its SHA256
// and Size; callers that render in parallel use it on Uploads.
func RenderDocument(d selection.Document, a *selection.Applicant,
	render Renderer) (DocumentFile, error) {
	b, err := render(d, a)
	if err != nil {
		return DocumentFile{}, fmt.Errorf("render document %s: %w", d.ID, err)
	}
	sum := sha256.Sum256(b)
	d.SHA256 = hex.EncodeToString(sum[:])
	d.Size = int64(len(b))
	return DocumentFile{Document: d, Bytes: b}, nil
}
