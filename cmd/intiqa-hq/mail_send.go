package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/localdb"
	"intiqa/selection"
)

// The environment variables the SMTP settings default to.
const (
	envSMTPHost         = "INTIQA_SMTP_HOST"
	envSMTPPort         = "INTIQA_SMTP_PORT"
	envSMTPTLS          = "INTIQA_SMTP_TLS"
	envSMTPUser         = "INTIQA_SMTP_USER"
	envSMTPPassword     = "INTIQA_SMTP_PASSWORD"
	envSMTPPasswordFile = "INTIQA_SMTP_PASSWORD_FILE"
	envSMTPCA           = "INTIQA_SMTP_CA"
	envMailFrom         = "INTIQA_MAIL_FROM"
	envMailRate         = "INTIQA_MAIL_RATE"
	envTrainingURL      = "INTIQA_TRAINING_URL"
	envUploadURL        = "INTIQA_UPLOAD_URL"
)

// sendOptions are the options of "mail send".
type sendOptions struct {
	db, key, actor         string
	dryRun                 bool
	host, tls, user        string
	port                   int
	passwordFile, caFile   string
	from                   string
	rate                   float64
	maxAttempts            int
	retryBase, retryMax    time.Duration
	trainingURL, uploadURL string
	watch                  time.Duration
}

// parseSendFlags reads the options of "mail send"; every SMTP setting
// defaults to its environment variable.
func parseSendFlags(args []string, stderr io.Writer) (*sendOptions, error) {
	o := &sendOptions{}
	fs := newFlagSet("mail send", stderr, "usage : intiqa-hq mail send --db FICHIER "+
		"[--dry-run] [--key FICHIER] [--smtp-host H --smtp-port P --smtp-tls starttls|tls|none "+
		"--smtp-user U --from ADRESSE --rate N] [--watch DURÉE]\n"+
		"  le mot de passe SMTP vient de $"+envSMTPPassword+" ou du fichier --smtp-password-file")
	fs.StringVar(&o.db, "db", "", "base SQLite nationale du siège (obligatoire)")
	fs.BoolVar(&o.dryRun, "dry-run", false,
		"rendre et vérifier chaque message sans rien envoyer ni changer")
	fs.StringVar(&o.key, "key", os.Getenv(envMailKey),
		"fichier de clé des mots de passe initiaux (ou $"+envMailKey+")")
	fs.StringVar(&o.actor, "actor", "mail", "auteur inscrit au journal d'audit")
	smtpFlags(fs, o)
	fs.Float64Var(&o.rate, "rate", envFloat(envMailRate, 5), "messages par seconde au plus")
	fs.IntVar(&o.maxAttempts, "max-attempts", 8,
		"tentatives d'un message qui échoue temporairement")
	fs.DurationVar(&o.retryBase, "retry-base", 30*time.Second,
		"délai avant la 2e tentative, doublé ensuite")
	fs.DurationVar(&o.retryMax, "retry-max", 30*time.Minute, "délai maximal entre deux tentatives")
	fs.StringVar(&o.trainingURL, "training-url", os.Getenv(envTrainingURL),
		"adresse de la plateforme de formation")
	fs.StringVar(&o.uploadURL, "upload-url", os.Getenv(envUploadURL), "adresse du dépôt des pièces")
	fs.DurationVar(&o.watch, "watch", 0,
		"planifier puis envoyer, à nouveau toutes les DURÉE, jusqu'à l'arrêt")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	return o, nil
}

// smtpFlags declares the flags of the SMTP server's settings.
func smtpFlags(fs *flag.FlagSet, o *sendOptions) {
	fs.StringVar(&o.host, "smtp-host", os.Getenv(envSMTPHost),
		"serveur SMTP (ou $"+envSMTPHost+")")
	fs.IntVar(&o.port, "smtp-port", envInt(envSMTPPort),
		"port SMTP ; 0 : 587 (starttls), 465 (tls), 25 (none)")
	fs.StringVar(&o.tls, "smtp-tls", envOr(envSMTPTLS, "starttls"),
		"starttls, tls, ou none (boucle locale seulement)")
	fs.StringVar(&o.user, "smtp-user", os.Getenv(envSMTPUser),
		"utilisateur SMTP ; vide : sans authentification")
	fs.StringVar(&o.passwordFile, "smtp-password-file", os.Getenv(envSMTPPasswordFile),
		"fichier du mot de passe SMTP (sinon $"+envSMTPPassword+")")
	fs.StringVar(&o.caFile, "smtp-ca", os.Getenv(envSMTPCA),
		"certificats PEM d'autorités à accepter en plus du système")
	fs.StringVar(&o.from, "from", os.Getenv(envMailFrom), "adresse d'expédition, « Nom <adresse> »")
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

func envFloat(name string, def float64) float64 {
	if f, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return f
	}
	return def
}

// smtpConfig builds the SMTP settings, reading the password and the
// extra authorities.
func (o *sendOptions) smtpConfig() (mail.SMTPConfig, error) {
	cfg := mail.SMTPConfig{Host: o.host, Port: o.port, TLS: mail.TLSMode(o.tls), User: o.user,
		Password: os.Getenv(envSMTPPassword)}
	if o.host == "" {
		return cfg, fmt.Errorf("%w : --smtp-host (ou %s) est obligatoire", errUsage, envSMTPHost)
	}
	if o.from == "" {
		return cfg, fmt.Errorf("%w : --from (ou %s) est obligatoire", errUsage, envMailFrom)
	}
	if o.passwordFile != "" {
		b, err := os.ReadFile(o.passwordFile)
		if err != nil {
			return cfg, fmt.Errorf("mot de passe SMTP : %w", err)
		}
		cfg.Password = strings.TrimRight(string(b), "\r\n")
	}
	if o.caFile != "" {
		pem, err := os.ReadFile(o.caFile)
		if err != nil {
			return cfg, fmt.Errorf("autorités SMTP : %w", err)
		}
		if cfg.RootCAs, err = x509.SystemCertPool(); err != nil {
			cfg.RootCAs = x509.NewCertPool()
		}
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return cfg, fmt.Errorf("autorités SMTP : aucun certificat PEM dans %s", o.caFile)
		}
	}
	return cfg, nil
}

// senderConfig builds the sender's settings.
func (o *sendOptions) senderConfig(key *mail.PasswordKey) mail.SenderConfig {
	return mail.SenderConfig{Actor: o.actor, From: o.from, Rate: o.rate,
		MaxAttempts: o.maxAttempts, RetryBase: o.retryBase, RetryMax: o.retryMax,
		Links: mail.Links{Training: o.trainingURL, Upload: o.uploadURL}, Key: key}
}

// runMailSend sends the pending notifications, or with --dry-run says
// what it would do.
func runMailSend(ctx context.Context, e *env, args []string) error {
	o, err := parseSendFlags(args, e.stderr)
	if err != nil {
		return err
	}
	key, err := loadKey(o.key)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer db.Close()
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		return err
	}
	if o.dryRun {
		return dryRun(ctx, e, db, tmpl, o, key)
	}
	unlock, err := mail.LockOutbox(o.db)
	if err != nil {
		return fmt.Errorf("%v : un autre « mail send » tourne sur cette base", err)
	}
	defer unlock()
	return sendLoop(ctx, e, db, tmpl, o, key)
}

// sendLoop runs the sender once, or with --watch plans and sends again
// every period until ctx ends.
func sendLoop(ctx context.Context, e *env, db *localdb.DB, tmpl *mail.Templates, o *sendOptions,
	key *mail.PasswordKey) error {
	smtp, err := o.smtpConfig()
	if err != nil {
		return err
	}
	s, err := mail.NewSender(db, tmpl, smtp, o.senderConfig(key))
	if err != nil {
		return err
	}
	s.OnChange = func(n *selection.Notification) {
		e.log.Info("notification", logNotification, n.ID, logKind, string(n.Kind),
			logApplicant, n.ApplicantID, logStatus, string(n.Status), logAttempts, n.Attempts)
	}
	for {
		if o.watch > 0 {
			if _, err := db.PlanNotifications(ctx, o.actor, selection.PlanOptions{}); err != nil {
				return fmt.Errorf("planification : %w", err)
			}
		}
		rep, err := s.Run(ctx)
		printSendReport(e.stdout, rep)
		if err != nil || o.watch <= 0 {
			return sendError(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.watch):
		}
	}
}

// sendError explains the errors that stop a run.
func sendError(err error) error {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return nil
	case errors.Is(err, mail.ErrKeyMissing):
		return fmt.Errorf("%v : donner --key (ou %s) pour envoyer les invitations", err, envMailKey)
	}
	return fmt.Errorf("envoi arrêté, le reste attend : %w", err)
}

func printSendReport(w io.Writer, rep mail.SendReport) {
	fmt.Fprintf(w, "envoyés %d, échoués %d, reportés %d, à vérifier %d\n",
		rep.Sent, rep.Failed, rep.Retried, rep.Unknown+len(rep.Interrupted))
	if len(rep.Interrupted) > 0 {
		fmt.Fprintf(w, "interrompus lors d'un envoi précédent, marqués unknown : %v\n"+
			"  chercher leur Message-ID dans le journal du serveur SMTP (intiqa-hq mail status "+
			"--list unknown), puis intiqa-hq mail requeue ou mark-sent\n", rep.Interrupted)
	}
}

// dryRun renders and checks every pending message, changing nothing.
func dryRun(ctx context.Context, e *env, db *localdb.DB, tmpl *mail.Templates, o *sendOptions,
	key *mail.PasswordKey) error {
	links := mail.Links{Training: o.trainingURL, Upload: o.uploadURL}
	r, err := mail.NewRenderer(ctx, db, tmpl, links)
	if err != nil {
		return err
	}
	rep, err := r.DryRun(ctx)
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "essai sans envoi : %d notifications en attente, rien n'est changé\n",
		rep.Pending)
	for _, k := range selection.NotificationKinds {
		if rep.ByKind[k] > 0 {
			fmt.Fprintf(w, "  %-18s %7d\n", k, rep.ByKind[k])
		}
	}
	for _, l := range selection.MailLanguages {
		fmt.Fprintf(w, "  langue %-11s %7d\n", l, rep.ByLang[l])
	}
	for _, p := range slices.Sorted(maps.Keys(rep.Problems)) {
		fmt.Fprintf(w, "  échouerait : %s (%d)\n", p, rep.Problems[p])
	}
	if rep.Invitations > 0 && key == nil {
		fmt.Fprintf(w, "  %d invitations demandent la clé des mots de passe : --key ou %s\n",
			rep.Invitations, envMailKey)
	}
	return nil
}
