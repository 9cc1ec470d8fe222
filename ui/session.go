package ui

import (
	"context"
	"errors"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// goAsync starts background work; tests replace it to run the work at
// once, on their own goroutine.
var goAsync = func(f func()) { go f() }

// async runs work off the UI goroutine, then hands its result to then
// on the UI goroutine.
func async[T any](work func() (T, error), then func(T, error)) {
	goAsync(func() {
		v, err := work()
		fyne.Do(func() { then(v, err) })
	})
}

// session is what the screens of a signed-in window share.
type session struct {
	ctx   context.Context
	win   fyne.Window
	svc   *office.Service
	ds    *Dataset
	log   *slog.Logger
	shell *Shell
}

// userMessage says what went wrong and what to do, in the user's
// language, without technical detail (the log keeps that).
func userMessage(err error) string {
	var ce *office.CriterionError
	switch {
	case errors.As(err, &ce) && ce.Missing == "note":
		return tr("Chaque critère demande une note écrite avant l'envoi.")
	case errors.As(err, &ce):
		return tr("Chaque critère demande une note sur l'échelle avant l'envoi.")
	case errors.Is(err, office.ErrForbidden):
		return tr("Votre rôle ne permet pas cette action.")
	case errors.Is(err, office.ErrSessionLocked):
		return tr("La session est verrouillée : saisissez votre mot de passe.")
	case errors.Is(err, office.ErrSignedOut):
		return tr("Vous n'êtes plus connecté : reconnectez-vous.")
	case errors.Is(err, office.ErrBadCredentials):
		return tr("Identifiant ou mot de passe incorrect.")
	case errors.Is(err, office.ErrWeakPassword):
		return tr("Le mot de passe doit compter au moins 10 caractères.")
	case errors.Is(err, office.ErrExists):
		return tr("Ce compte existe déjà.")
	case errors.Is(err, selection.ErrStaleVersion):
		return tr("Un autre poste a décidé entre-temps : " +
			"rouvrez la liste pour voir la décision à jour.")
	case errors.Is(err, selection.ErrLocked):
		return tr("Cette fiche est déjà envoyée et ne peut plus changer.")
	case errors.Is(err, ErrBadBackup):
		return tr("Cette sauvegarde est abîmée ou incomplète (ou ce n'est pas une sauvegarde " +
			"d'Intiqa) : elle est refusée et rien n'a changé sur ce poste. Prenez une autre copie.")
	case errors.Is(err, ErrBackupMismatch):
		return tr("Cette sauvegarde vient d'une autre province, ou mêle démonstration et " +
			"données réelles : elle est refusée et rien n'a changé sur ce poste.")
	case errors.Is(err, ErrStorePresent):
		return tr("Ce poste a déjà des données : pour les remplacer par une sauvegarde, " +
			"connectez-vous comme administrateur et ouvrez l'écran Sauvegarde.")
	case errors.Is(err, ErrDataDirUnusable):
		return tr("Ce dossier ne peut pas recevoir les données : donnez un chemin complet vers " +
			"un dossier où Intiqa peut écrire (le disque est-il branché et déverrouillé ?).")
	case errors.Is(err, ErrDataDirMissing):
		return tr("Le dossier des données choisi est introuvable. Branchez et déverrouillez " +
			"le disque qui le porte, puis réessayez.")
	case errors.Is(err, ErrEnrollUnavailable):
		return tr("L'inscription auprès du siège n'est pas encore possible dans cette version.")
	case errors.Is(err, ErrBundleRefused):
		return tr("Ce paquet est refusé : il a été modifié, ou le siège ne l'a pas écrit pour " +
			"ce poste. Rien n'a changé sur ce poste. Demandez au siège un nouveau paquet.")
	case errors.Is(err, ErrBundleOld):
		return tr("Ce paquet a été écrit par une version antérieure d'Intiqa : il est refusé " +
			"et rien n'a changé. Faites-le écrire à nouveau avec la version actuelle.")
	case errors.Is(err, ErrBundleNoKey):
		return tr("Ce poste n'a pas encore de clé pour signer les paquets : synchronisez-le une " +
			"fois par le réseau, ou enrôlez-le à nouveau, puis réessayez.")
	case errors.Is(err, context.Canceled):
		return tr("Opération annulée.")
	case errors.Is(err, office.ErrInvalid):
		return tr("Certaines informations manquent ou sont hors limites : vérifiez le formulaire.")
	}
	return tr("L'opération a échoué. Réessayez ; " +
		"si cela persiste, transmettez le journal à l'assistance.")
}

// showError logs an error and tells the user about it.
func (s *session) showError(what string, err error) {
	if errors.Is(err, office.ErrSessionLocked) && s.shell != nil {
		s.shell.lock()
		return
	}
	s.log.Warn(what, keyErr, err)
	dialog.ShowInformation(tr("Action impossible"), userMessage(err), s.win)
}

// job is a long operation shown in a dialog with its progress and a
// button to cancel it.
type job struct {
	dlg    dialog.Dialog
	step   *widget.Label
	bar    *widget.ProgressBar
	busy   *widget.ProgressBarInfinite
	cancel context.CancelFunc
}

// runJob runs work in the background behind a progress dialog, then
// calls done on the UI goroutine with its error (context.Canceled when
// the user cancelled).
func (s *session) runJob(title string, work func(ctx context.Context, report func(Progress)) error,
	done func(error)) {
	ctx, cancel := context.WithCancel(s.ctx)
	j := &job{cancel: cancel, step: widget.NewLabel(tr("Préparation…")),
		bar: widget.NewProgressBar(), busy: widget.NewProgressBarInfinite()}
	j.bar.Hide()
	cancelBtn := widget.NewButtonWithIcon(tr("Annuler"), theme.CancelIcon(), cancel)
	body := container.NewVBox(j.step, container.NewStack(j.bar, j.busy),
		container.NewCenter(cancelBtn))
	j.dlg = dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(420,
		body.MinSize().Height), body), s.win)
	j.dlg.Show()
	report := newThrottle(j.update)
	goAsync(func() {
		err := work(ctx, report.report)
		cancel()
		fyne.Do(func() {
			j.busy.Stop()
			j.dlg.Hide()
			done(err)
		})
	})
}

// update shows a job's progress. Call it on the UI goroutine.
func (j *job) update(p Progress) {
	j.step.SetText(p.Step.label())
	if p.Total <= 0 {
		j.bar.Hide()
		j.busy.Show()
		return
	}
	j.busy.Hide()
	j.bar.Show()
	j.bar.SetValue(float64(p.Done) / float64(p.Total))
}
