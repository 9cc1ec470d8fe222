package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
)

// statusLabel names a selection status in the user's language.
func statusLabel(s selection.Status) string {
	switch s {
	case selection.StatusInvited:
		return trRaw("Invité")
	case selection.StatusWaiting:
		return trRaw("Liste d'attente")
	case selection.StatusNotInvited:
		return trRaw("Non invité")
	case selection.StatusIneligible:
		return trRaw("Inéligible")
	case selection.StatusSelected:
		return trRaw("Sélectionné")
	case selection.StatusNotRetained:
		return trRaw("Non retenu")
	case selection.StatusWithdrawn:
		return trRaw("Désisté")
	case "":
		return "—"
	}
	return string(s)
}

// dossierLabel names the state of an applicant's document file.
func dossierLabel(v selection.Verdict) string {
	switch v {
	case "":
		return trRaw("Aucune pièce")
	case selection.VerdictAccepted:
		return trRaw("Acceptées")
	case selection.VerdictRejected:
		return trRaw("Rejetée")
	}
	return trRaw("En attente")
}

// verdictLabel names a review's verdict.
func verdictLabel(v selection.Verdict) string {
	switch v {
	case selection.VerdictAccepted:
		return trRaw("Acceptée")
	case selection.VerdictRejected:
		return trRaw("Rejetée")
	}
	return trRaw("En attente")
}

// reasonLabel names a reason for rejecting a document.
func reasonLabel(r selection.RejectReason) string {
	switch r {
	case selection.ReasonUnreadable:
		return trRaw("Illisible")
	case selection.ReasonWrongKind:
		return trRaw("Pièce d'une autre nature")
	case selection.ReasonMismatch:
		return trRaw("Ne correspond pas à la déclaration")
	case selection.ReasonExpired:
		return trRaw("Périmée")
	case selection.ReasonIncomplete:
		return trRaw("Incomplète")
	case selection.ReasonNotCertified:
		return trRaw("Non certifiée")
	}
	return string(r)
}

// kindLabel names a kind of document.
func kindLabel(k selection.DocumentKind) string {
	switch k {
	case selection.DocCIN:
		return trRaw("Carte nationale d'identité")
	case selection.DocDiploma:
		return trRaw("Diplôme")
	case selection.DocStudentCard:
		return trRaw("Carte d'étudiant")
	case selection.DocEmployerCertificate:
		return trRaw("Attestation de travail")
	case selection.DocRetirementCert:
		return trRaw("Attestation de retraite")
	case selection.DocExperienceCertificat:
		return trRaw("Attestation d'expérience d'enquête")
	}
	return string(k)
}

// educationLabel names an education level.
func educationLabel(e selection.Education) string {
	switch e {
	case selection.EducationBac:
		return trRaw("Baccalauréat")
	case selection.EducationBac2:
		return trRaw("Bac + 2")
	case selection.EducationBac3:
		return trRaw("Bac + 3")
	case selection.EducationBac5:
		return trRaw("Bac + 5")
	case selection.EducationBac8:
		return trRaw("Bac + 8")
	}
	return string(e)
}

// experienceLabel names a survey experience.
func experienceLabel(e selection.SurveyExperience) string {
	switch e {
	case selection.ExperienceNone:
		return trRaw("Aucune")
	case selection.ExperienceSurvey:
		return trRaw("Enquêtes statistiques")
	case selection.ExperienceCensus:
		return trRaw("Recensement précédent")
	}
	return string(e)
}

// techLabel names an ability with technology.
func techLabel(t selection.TechSkill) string {
	switch t {
	case selection.TechNone:
		return trRaw("Aucune")
	case selection.TechBasic:
		return trRaw("Élémentaire")
	case selection.TechGood:
		return trRaw("Bonne")
	case selection.TechAdvanced:
		return trRaw("Avancée")
	}
	return string(t)
}

// languageLabel names a language.
func languageLabel(l selection.Language) string {
	switch l {
	case selection.LangDarija:
		return trRaw("Darija")
	case selection.LangTachelhit:
		return trRaw("Tachelhit")
	case selection.LangTamazight:
		return trRaw("Tamazight")
	case selection.LangTarifit:
		return trRaw("Tarifit")
	case selection.LangHassaniya:
		return trRaw("Hassaniya")
	case selection.LangFrench:
		return trRaw("Français")
	case selection.LangSpanish:
		return trRaw("Espagnol")
	case selection.LangEnglish:
		return trRaw("Anglais")
	}
	return string(l)
}

// roleName names a field post.
func roleName(r selection.Role) string {
	switch r {
	case selection.RoleController:
		return trRaw("Contrôleur")
	case selection.RoleEnumerator:
		return trRaw("Recenseur")
	}
	return "—"
}

// sexLabel names a sex.
func sexLabel(s selection.Sex) string {
	if s == selection.SexFemale {
		return trRaw("Femme")
	}
	return trRaw("Homme")
}

// finalReasonLabel explains a final selection's reason.
func finalReasonLabel(reason string) string {
	switch reason {
	case selection.ReasonDocuments:
		return trRaw("Pièces non toutes acceptées")
	case selection.ReasonAbsent:
		return trRaw("Absent à l'entretien")
	case selection.ReasonInterview:
		return trRaw("Entretien non noté ou sous le minimum")
	case selection.ReasonPostsFilled:
		return trRaw("Postes et liste d'attente pourvus")
	case selection.ReasonSelected:
		return trRaw("Sélectionné")
	case selection.ReasonFinalWaiting:
		return trRaw("Liste d'attente")
	}
	return reason
}

// provinceTitleFR names the province in the window's language, with its
// Latin name, ready to draw.
func provinceTitleFR(p selection.Province) string {
	data := map[string]any{"Name": p.NameFR}
	if p.Type == selection.ProvinceTypeProvince {
		return tr("Province de {{.Name}}", data)
	}
	return tr("Préfecture de {{.Name}}", data)
}

// provinceTitleARRaw names the province in Arabic with its Arabic name,
// whatever the window's language, not yet prepared for display.
func provinceTitleARRaw(p selection.Province) string {
	if p.Type == selection.ProvinceTypeProvince {
		return "إقليم " + p.NameAR
	}
	return "عمالة " + p.NameAR
}

// provinceTitleAR is provinceTitleARRaw ready to draw.
func provinceTitleAR(p selection.Province) string { return display(provinceTitleARRaw(p)) }

// badge draws text on a rounded patch of the theme's warning colour.
func badge(text string) fyne.CanvasObject {
	bg := canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 0x40))
	bg.CornerRadius = theme.InputRadiusSize()
	l := widget.NewLabelWithStyle(display(text), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.Importance = widget.WarningImportance
	return container.NewStack(bg, l)
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// decisionKindLabel names the kind of a decision that syncs (a
// selection.SyncKind).
func decisionKindLabel(kind string) string {
	switch selection.SyncKind(kind) {
	case selection.KindReview:
		return trRaw("Examen d'une pièce")
	case selection.KindSession:
		return trRaw("Session d'entretien")
	case selection.KindConvocation:
		return trRaw("Convocation")
	case selection.KindAttendance:
		return trRaw("Présence à l'entretien")
	case selection.KindScoreSheet:
		return trRaw("Fiche de notation")
	case selection.KindFinalRun:
		return trRaw("Sélection finale")
	case selection.KindWithdrawal:
		return trRaw("Désistement")
	}
	return kind
}
