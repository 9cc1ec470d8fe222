package mail

import (
	"fmt"
	"time"

	"intiqa/selection"
)

// labels are the words a language's templates use for the domain's
// codes, and its way of writing dates.
type labels struct {
	roles    map[selection.Role]string
	docs     map[selection.DocumentKind]string
	reasons  map[selection.RejectReason]string
	months   [12]string
	weekdays [7]string // from Sunday
	date     func(l *labels, t time.Time) string
	time     func(t time.Time) string
}

var french = &labels{
	roles: map[selection.Role]string{
		selection.RoleEnumerator: "agent recenseur", selection.RoleController: "contrôleur",
	},
	docs: map[selection.DocumentKind]string{
		selection.DocCIN:                  "carte nationale d'identité",
		selection.DocDiploma:              "diplôme",
		selection.DocStudentCard:          "carte d'étudiant",
		selection.DocEmployerCertificate:  "attestation de travail",
		selection.DocRetirementCert:       "attestation de retraite",
		selection.DocExperienceCertificat: "attestation d'expérience d'enquête",
	},
	reasons: map[selection.RejectReason]string{
		selection.ReasonUnreadable:   "le document est illisible",
		selection.ReasonWrongKind:    "ce n'est pas la pièce demandée",
		selection.ReasonMismatch:     "il ne correspond pas à ce que vous avez déclaré",
		selection.ReasonExpired:      "le document n'est plus valide",
		selection.ReasonIncomplete:   "le document est incomplet",
		selection.ReasonNotCertified: "la copie n'est pas certifiée conforme",
	},
	months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"},
	weekdays: [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
	date: func(l *labels, t time.Time) string {
		return fmt.Sprintf("%s %d %s %d", l.weekdays[t.Weekday()], t.Day(), l.months[t.Month()-1],
			t.Year())
	},
	time: func(t time.Time) string { return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute()) },
}

// arabic uses the month names of Morocco.
var arabic = &labels{
	roles: map[selection.Role]string{
		selection.RoleEnumerator: "باحث", selection.RoleController: "مراقب",
	},
	docs: map[selection.DocumentKind]string{
		selection.DocCIN:                  "البطاقة الوطنية للتعريف",
		selection.DocDiploma:              "الشهادة الدراسية",
		selection.DocStudentCard:          "بطاقة الطالب",
		selection.DocEmployerCertificate:  "شهادة العمل",
		selection.DocRetirementCert:       "شهادة التقاعد",
		selection.DocExperienceCertificat: "شهادة الخبرة في البحوث الميدانية",
	},
	reasons: map[selection.RejectReason]string{
		selection.ReasonUnreadable:   "الوثيقة غير مقروءة",
		selection.ReasonWrongKind:    "ليست الوثيقة المطلوبة",
		selection.ReasonMismatch:     "لا تطابق ما صرحتم به",
		selection.ReasonExpired:      "الوثيقة منتهية الصلاحية",
		selection.ReasonIncomplete:   "الوثيقة غير كاملة",
		selection.ReasonNotCertified: "النسخة غير مصادق عليها",
	},
	months: [12]string{"يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت",
		"شتنبر", "أكتوبر", "نونبر", "دجنبر"},
	weekdays: [7]string{"الأحد", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"},
	date: func(l *labels, t time.Time) string {
		return fmt.Sprintf("%s %d %s %d", l.weekdays[t.Weekday()], t.Day(), l.months[t.Month()-1],
			t.Year())
	},
	time: func(t time.Time) string { return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute()) },
}

// labelsOf returns the labels of a single language.
func labelsOf(lang selection.MailLanguage) *labels {
	if lang == selection.MailArabic {
		return arabic
	}
	return french
}

// funcs returns the template functions of a language. A code with no
// label shows as itself, so that a new code is visible, not blank.
func (l *labels) funcs() map[string]any {
	return map[string]any{
		"role":   func(r selection.Role) string { return orCode(l.roles[r], string(r)) },
		"doc":    func(k selection.DocumentKind) string { return orCode(l.docs[k], string(k)) },
		"reason": func(r selection.RejectReason) string { return orCode(l.reasons[r], string(r)) },
		"date":   func(t time.Time) string { return l.date(l, t) },
		"time":   l.time,
	}
}

func orCode(label, code string) string {
	if label == "" {
		return code
	}
	return label
}
