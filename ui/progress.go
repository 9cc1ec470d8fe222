package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Step names a stage of a long operation, for the progress screen.
type Step int

// The stages the backend reports.
const (
	StepOpen             Step = iota // opening the store
	StepGenerate                     // generating the demonstration province
	StepImportApplicants             // importing applicants
	StepImportNeeds                  // importing the communes' needs
	StepImportTraining               // importing training progress
	StepLoad                         // reading the applicants for display
	StepDocuments                    // writing the documents' files
	StepPreselection                 // recording the pre-selection
	StepDecisions                    // recording the office's work in progress
	StepEnroll                       // enrolling with headquarters
	StepSelection                    // running the final selection
	StepSync                         // exchanging with headquarters
	StepReport                       // making a report
	StepBackup                       // writing a backup archive
	StepCheckBackup                  // checking a backup archive
	StepRestore                      // putting a backup in place
)

// Progress tells how far a long operation is. Total is 0 when the
// amount of work is not known in advance.
type Progress struct {
	Step  Step
	Done  int
	Total int
}

// label names the step in the user's language.
func (s Step) label() string {
	switch s {
	case StepGenerate:
		return tr("Génération de la province de démonstration")
	case StepImportApplicants:
		return tr("Import des candidats")
	case StepImportNeeds:
		return tr("Import des besoins des communes")
	case StepImportTraining:
		return tr("Import de la formation à distance")
	case StepLoad:
		return tr("Lecture des candidats")
	case StepDocuments:
		return tr("Écriture des pièces justificatives")
	case StepPreselection:
		return tr("Enregistrement de la pré-sélection")
	case StepDecisions:
		return tr("Enregistrement des décisions de démonstration")
	case StepEnroll:
		return tr("Inscription auprès du siège")
	case StepSelection:
		return tr("Calcul de la sélection finale")
	case StepSync:
		return tr("Échange avec le siège")
	case StepReport:
		return tr("Préparation du rapport")
	case StepBackup:
		return tr("Écriture de la sauvegarde")
	case StepCheckBackup:
		return tr("Vérification de la sauvegarde")
	case StepRestore:
		return tr("Remise en place des données")
	}
	return tr("Ouverture des données")
}

// progressScreen shows a long operation's stage and progress, with a
// button to cancel it.
type progressScreen struct {
	title    string
	onCancel func()

	step *widget.Label
	bar  *widget.ProgressBar
	busy *widget.ProgressBarInfinite
}

func newProgressScreen(title string, onCancel func()) *progressScreen {
	return &progressScreen{title: title, onCancel: onCancel}
}

func (s *progressScreen) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(s.title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	s.step = widget.NewLabelWithStyle(StepOpen.label(), fyne.TextAlignCenter, fyne.TextStyle{})
	s.bar = widget.NewProgressBar()
	s.bar.Hide()
	s.busy = widget.NewProgressBarInfinite()
	cancel := widget.NewButtonWithIcon(tr("Annuler"), theme.CancelIcon(), s.onCancel)
	box := container.NewVBox(title, s.step, container.NewStack(s.bar, s.busy),
		container.NewCenter(cancel))
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(520, box.MinSize().Height), box))
}

// update shows p. Call it on the UI goroutine.
func (s *progressScreen) update(p Progress) {
	s.step.SetText(p.Step.label())
	if p.Total <= 0 {
		s.bar.Hide()
		s.busy.Show()
		return
	}
	s.busy.Hide()
	s.busy.Stop()
	s.bar.Show()
	s.bar.SetValue(float64(p.Done) / float64(p.Total))
}

// throttle forwards progress from a background goroutine to the UI
// goroutine, at most once per step and per thousandth of the work, so
// that a row-by-row import does not flood the UI.
type throttle struct {
	show func(Progress)

	mu   sync.Mutex
	last Progress
	sent bool
}

func newThrottle(show func(Progress)) *throttle {
	return &throttle{show: show}
}

// report is the progress callback handed to the backend.
func (t *throttle) report(p Progress) {
	t.mu.Lock()
	changed := !t.sent || p.Step != t.last.Step || p.Total != t.last.Total ||
		permille(p) != permille(t.last)
	if changed {
		t.last, t.sent = p, true
	}
	t.mu.Unlock()
	if changed {
		fyne.Do(func() { t.show(p) })
	}
}

func permille(p Progress) int {
	if p.Total <= 0 {
		return 0
	}
	return int(int64(p.Done) * 1000 / int64(p.Total))
}
