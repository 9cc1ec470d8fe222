package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"intiqa/selection"
)

// The issuing office, in both languages.
const (
	OfficeFR = "Haut-Commissariat au Plan — Recensement général de la population et de l'habitat"
	OfficeAR = "المندوبية السامية للتخطيط — الإحصاء العام للسكان والسكنى"
)

// label is a French word with its Arabic translation.
type label struct{ fr, ar string }

var roleLabels = map[selection.Role]label{
	selection.RoleEnumerator: {"Agent recenseur", "باحث"},
	selection.RoleController: {"Contrôleur", "مراقب"},
}

var rolePlurals = map[selection.Role]label{
	selection.RoleEnumerator: {"Agents recenseurs", "الباحثون"},
	selection.RoleController: {"Contrôleurs", "المراقبون"},
}

var categoryLabels = map[selection.Category]label{
	selection.CategoryGraduate:        {"Diplômés post-baccalauréat", "حاصلون على شهادة بعد البكالوريا"},
	selection.CategoryStudent:         {"Étudiants", "طلبة"},
	selection.CategoryCivilServant:    {"Fonctionnaires", "موظفون"},
	selection.CategoryPrivateEmployee: {"Salariés du privé", "أجراء القطاع الخاص"},
	selection.CategoryPublicRetiree:   {"Retraités du public", "متقاعدو القطاع العام"},
}

var verdictLabels = map[selection.Verdict]label{
	selection.VerdictAccepted: {"accepté", "مقبول"},
	selection.VerdictRejected: {"rejeté", "مرفوض"},
	selection.VerdictPending:  {"en attente", "قيد الدراسة"},
}

var kindLabels = map[selection.DocumentKind]string{
	selection.DocCIN:                  "CIN",
	selection.DocDiploma:              "diplôme",
	selection.DocStudentCard:          "carte d'étudiant",
	selection.DocEmployerCertificate:  "attestation de travail",
	selection.DocRetirementCert:       "attestation de retraite",
	selection.DocExperienceCertificat: "attestation d'expérience",
}

var reasonLabels = map[selection.RejectReason]string{
	selection.ReasonUnreadable:   "illisible",
	selection.ReasonWrongKind:    "mauvais document",
	selection.ReasonMismatch:     "ne correspond pas à la déclaration",
	selection.ReasonExpired:      "expiré",
	selection.ReasonIncomplete:   "incomplet",
	selection.ReasonNotCertified: "non certifié",
}

// RoleLabel returns the French and Arabic names of a role.
func RoleLabel(r selection.Role) (string, string) {
	l := roleLabels[r]
	return l.fr, l.ar
}

// CategoryLabel returns the French and Arabic names of a category.
func CategoryLabel(c selection.Category) (string, string) {
	l := categoryLabels[c]
	return l.fr, l.ar
}

// LatinName returns a person's name as lists print it: the last name in
// capitals, then the first name.
func LatinName(a *selection.Applicant) string {
	return strings.ToUpper(a.LastName) + " " + a.FirstName
}

// ArabicName returns a person's name in Arabic script, last name first,
// in logical order.
func ArabicName(a *selection.Applicant) string {
	return strings.TrimSpace(a.LastNameAR + " " + a.FirstNameAR)
}

// Thousands formats n the French way, with a narrow no-break space
// between groups of three digits: 488 321.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Decimal formats x with two decimals and a decimal comma: 72,50.
func Decimal(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', 2, 64), ".", ",", 1)
}

// Percent formats a ratio as a whole percentage: 245 %.
func Percent(part, whole int) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%d\u202f%%", (200*part+whole)/(2*whole))
}

// FrenchDate formats a day as 15/05/2024.
func FrenchDate(t time.Time) string { return t.Format("02/01/2006") }

// FrenchDateTime formats a time as 15/05/2024 09:30.
func FrenchDateTime(t time.Time) string { return t.Format("02/01/2006 15:04") }
