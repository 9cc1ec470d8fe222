package synth

import (
	"iter"
	"time"

	"intiqa/selection"
)

// flagged is an applicant with what happened to them after registration.
type flagged struct {
	applicant *selection.Applicant
	gi        int  // national index
	invited   bool // has training progress
	uploaded  bool // uploaded documents
}

// likelyEligible approximates the default eligibility rule of PRODUCT.md
// on the day of registration, so that invitations go mostly to applicants
// a pre-selection could have invited.
//
// NOTE: the real rules are data owned by the pre-selection; this is only
// for the shape of the generated training and document data.
func likelyEligible(a *selection.Applicant) bool {
	if a.AgeOn(a.RegisteredAt) < 20 {
		return false
	}
	return a.Education.Years() >= 2 || a.Category == selection.CategoryCivilServant ||
		a.Category == selection.CategoryPublicRetiree
}

// flaggedOf streams a province's applicants with their flags. The
// province's exact number of invited applicants is drawn first among the
// likely eligible ones (selection sampling, Knuth's algorithm S), then
// among the others if there are too few; the uploaders are drawn the
// same way among the invited. This takes two passes over the applicants:
// one to count the likely eligible, one to draw.
func (g *Generator) flaggedOf(pp *provincePlan) iter.Seq[flagged] {
	return func(yield func(flagged) bool) {
		var r rng
		eligible := 0
		for i := range pp.count {
			if likelyEligible(g.applicantAt(pp, i, &r)) {
				eligible++
			}
		}
		inviteEligible := sampler{need: min(pp.invited, eligible), left: eligible}
		inviteOthers := sampler{need: pp.invited - inviteEligible.need, left: pp.count - eligible}
		upload := sampler{need: pp.documents, left: pp.invited}

		var draw rng
		draw.reseed(g.seed, streamInvite, uint64(pp.index))
		for i := range pp.count {
			f := flagged{applicant: g.applicantAt(pp, i, &r), gi: pp.first + i}
			if likelyEligible(f.applicant) {
				f.invited = inviteEligible.take(&draw)
			} else {
				f.invited = inviteOthers.take(&draw)
			}
			f.uploaded = f.invited && upload.take(&draw)
			if !yield(f) {
				return
			}
		}
	}
}

// sampler draws exactly need items out of the next left ones, each set of
// need items being equally likely.
type sampler struct {
	need, left int
}

func (s *sampler) take(r *rng) bool {
	if s.left <= 0 {
		return false
	}
	ok := r.intn(s.left) < s.need
	s.left--
	if ok {
		s.need--
	}
	return ok
}

// Training streams the training progress of the invited applicants (as
// many per region as SEED.md's invited to remote training), in the order
// of their IDs.
func (g *Generator) Training() iter.Seq[*selection.TrainingProgress] {
	return func(yield func(*selection.TrainingProgress) bool) {
		var r rng
		for _, pp := range g.scoped {
			for f := range g.flaggedOf(pp) {
				if f.invited && !yield(g.trainingOf(f, &r)) {
					return
				}
			}
		}
	}
}

// modulesTotal is the number of modules of the remote training.
const modulesTotal = 12

// trainingOf draws an invited applicant's progress: most started, more
// than half finished every module and took the final test.
func (g *Generator) trainingOf(f flagged, r *rng) *selection.TrainingProgress {
	r.reseed(g.seed, streamTraining, uint64(f.gi))
	tp := &selection.TrainingProgress{ApplicantID: f.applicant.ID, ModulesTotal: modulesTotal}
	if !r.chance(0.88) {
		return tp
	}
	tp.Started = true
	tp.ModulesCompleted = r.between(1, modulesTotal-1)
	if r.chance(0.6) {
		tp.ModulesCompleted = modulesTotal
		tenths := 350 + r.sumOf(4, 160) // 35.0 to 99.0, around 67
		score := float64(tenths) / 10
		tp.TestScore = &score
	}
	return tp
}

// Upload is an applicant who uploaded documents, with the metadata of the
// documents; their SHA256 and Size are empty until rendered (see
// DocumentFiles).
type Upload struct {
	Applicant *selection.Applicant
	Documents []selection.Document
}

// Uploads streams the applicants who uploaded documents (146,546
// nationally, all among the invited), in the order of their IDs.
func (g *Generator) Uploads() iter.Seq[Upload] {
	return func(yield func(Upload) bool) {
		var r rng
		for _, pp := range g.scoped {
			for f := range g.flaggedOf(pp) {
				if f.uploaded && !yield(g.uploadOf(f, &r)) {
					return
				}
			}
		}
	}
}

// Documents streams the metadata of every uploaded document, one per kind
// that selection.RequiredDocuments asks of the applicant. SHA256 and Size
// are empty: they depend on the file, which DocumentFiles renders.
func (g *Generator) Documents() iter.Seq[selection.Document] {
	return func(yield func(selection.Document) bool) {
		for u := range g.Uploads() {
			for _, d := range u.Documents {
				if !yield(d) {
					return
				}
			}
		}
	}
}

// Upload window: in parallel with remote training (SEED.md).
var (
	uploadOpens = time.Date(2024, time.March, 15, 8, 0, 0, 0, time.UTC)
	uploadDays  = 61
)

// uploadOf draws the documents of an uploader, sent in one sitting.
func (g *Generator) uploadOf(f flagged, r *rng) Upload {
	r.reseed(g.seed, streamDocument, uint64(f.gi))
	at := uploadOpens.AddDate(0, 0, r.intn(uploadDays)).
		Add(time.Duration(r.intn(14*3600)) * time.Second)
	u := Upload{Applicant: f.applicant}
	for _, k := range selection.RequiredDocuments(f.applicant) {
		at = at.Add(time.Duration(30+r.intn(300)) * time.Second)
		u.Documents = append(u.Documents, selection.Document{
			ID:          f.applicant.ID + "-" + string(k),
			ApplicantID: f.applicant.ID,
			Kind:        k,
			MediaType:   drawMediaType(k, r),
			UploadedAt:  at,
		})
	}
	return u
}

// Media types of the documents.
const (
	MediaPNG = "image/png"
	MediaPDF = "application/pdf"
)

// drawMediaType returns PNG for most documents (phone photos) and PDF for
// some certificates scanned by an office.
func drawMediaType(k selection.DocumentKind, r *rng) string {
	pdf := 0.3
	if k == selection.DocCIN {
		pdf = 0.05
	}
	if r.chance(pdf) {
		return MediaPDF
	}
	return MediaPNG
}
