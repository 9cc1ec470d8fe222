package selection

import "time"

// DocumentKind is what a document supports.
type DocumentKind string

// The kinds of supporting document.
const (
	DocCIN                  DocumentKind = "cin"
	DocDiploma              DocumentKind = "diploma"
	DocStudentCard          DocumentKind = "student_card"
	DocEmployerCertificate  DocumentKind = "employer_certificate"
	DocRetirementCert       DocumentKind = "retirement_certificate"
	DocExperienceCertificat DocumentKind = "experience_certificate"
)

// DocumentKinds lists the valid kinds.
var DocumentKinds = []DocumentKind{
	DocCIN, DocDiploma, DocStudentCard, DocEmployerCertificate,
	DocRetirementCert, DocExperienceCertificat,
}

// RequiredDocuments returns the kinds of document that support what a
// declared: always the CIN; the diploma for any higher education; the
// student card, employer or retirement certificate for the category; the
// experience certificate for declared survey experience.
func RequiredDocuments(a *Applicant) []DocumentKind {
	kinds := []DocumentKind{DocCIN}
	if a.Education != EducationBac && a.Category != CategoryStudent {
		kinds = append(kinds, DocDiploma)
	}
	switch a.Category {
	case CategoryStudent:
		kinds = append(kinds, DocStudentCard)
	case CategoryCivilServant, CategoryPrivateEmployee:
		kinds = append(kinds, DocEmployerCertificate)
	case CategoryPublicRetiree:
		kinds = append(kinds, DocRetirementCert)
	}
	if a.SurveyExperience != ExperienceNone {
		kinds = append(kinds, DocExperienceCertificat)
	}
	return kinds
}

// Document is a file an applicant uploaded, addressed by its content.
type Document struct {
	ID          string
	ApplicantID string
	Kind        DocumentKind
	SHA256      string // hex digest of the file, its address
	MediaType   string // "image/png", "image/jpeg" or "application/pdf"
	Size        int64
	UploadedAt  time.Time
}

// FileName is the name of a document's file in a folder of files
// addressed by content, the same at headquarters and on the laptops: its
// SHA-256 and the extension of its media type.
func (d *Document) FileName() string { return d.SHA256 + MediaExt(d.MediaType) }

// MediaExt returns the file name extension of a media type, with its
// dot; ".bin" for a type it does not know.
func MediaExt(mediaType string) string {
	switch mediaType {
	case "image/png":
		return ".png"
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	}
	return ".bin"
}

// Verdict is a supervisor's decision on one document.
type Verdict string

// The values of Verdict.
const (
	VerdictPending  Verdict = "pending"
	VerdictAccepted Verdict = "accepted"
	VerdictRejected Verdict = "rejected"
)

// RejectReason says why a document was rejected; the list is closed so
// that reviews can be counted and explained to applicants.
type RejectReason string

// The reasons a document may be rejected for.
const (
	ReasonUnreadable   RejectReason = "unreadable"
	ReasonWrongKind    RejectReason = "wrong_document"
	ReasonMismatch     RejectReason = "mismatch_declared"
	ReasonExpired      RejectReason = "expired"
	ReasonIncomplete   RejectReason = "incomplete"
	ReasonNotCertified RejectReason = "not_certified"
)

// RejectReasons lists the valid reasons.
var RejectReasons = []RejectReason{
	ReasonUnreadable, ReasonWrongKind, ReasonMismatch,
	ReasonExpired, ReasonIncomplete, ReasonNotCertified,
}

// Review is a supervisor's verdict on one document. Version counts the
// reviews of the document, so that sync can detect a decision taken on a
// stale view.
type Review struct {
	ID         string // unique, chosen by the laptop that decided
	DocumentID string
	Verdict    Verdict
	Reason     RejectReason // set when rejected
	Comment    string
	Reviewer   string // user name
	ReviewedAt time.Time
	Version    int
}
