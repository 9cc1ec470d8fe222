package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/localdb"
	"intiqa/selection"
)

// Key names of the mail commands' log lines. No line names an address.
const (
	logNotification = "notification"
	logKind         = "kind"
	logStatus       = "status"
	logAttempts     = "attempts"
	logApplicant    = "applicant"
)

// envMailKey names the environment variable holding the password key
// file's path, when --key is not given.
const envMailKey = "INTIQA_MAIL_KEY"

// mailCommands are the subcommands of "intiqa-hq mail".
func mailCommands() []command {
	return []command{
		{"plan", "ajoute au courrier les notifications dues (idempotent)", runMailPlan},
		{"preview", "affiche une notification, ou un exemple de chaque sorte, en français " +
			"et en arabe", runMailPreview},
		{"send", "envoie les notifications en attente par SMTP (--dry-run : sans rien envoyer)",
			runMailSend},
		{"status", "compte les notifications par état (--list ÉTAT : les détaille)", runMailStatus},
		{"requeue", "remet en attente une notification « unknown » ou « failed »", runMailRequeue},
		{"mark-sent", "marque envoyée une notification « unknown » trouvée dans le journal SMTP",
			runMailMarkSent},
		{"keygen", "crée le fichier de clé des mots de passe initiaux (une seule fois)",
			runMailKeygen},
	}
}

// runMail dispatches "intiqa-hq mail SUBCOMMAND".
func runMail(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		mailUsage(e.stderr)
		return fmt.Errorf("%w : sous-commande attendue", errUsage)
	}
	for _, c := range mailCommands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	mailUsage(e.stderr)
	return fmt.Errorf("%w : sous-commande inconnue %q", errUsage, args[0])
}

func mailUsage(w io.Writer) {
	fmt.Fprintln(w, "usage : intiqa-hq mail SOUS-COMMANDE [options]")
	for _, c := range mailCommands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// openStore opens an existing store; a missing file is an error, not a
// new store.
func openStore(ctx context.Context, path string) (*localdb.DB, error) {
	if path == "" {
		return nil, fmt.Errorf("%w : --db est obligatoire", errUsage)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("base %s introuvable : %w", path, err)
	}
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		return nil, fmt.Errorf("ouverture de la base %s : %w", path, err)
	}
	if db.Scope() != localdb.NationalScope {
		db.Close()
		return nil, fmt.Errorf("%s est la base d'un portable (province %s), pas celle du siège",
			path, db.Scope())
	}
	return db, nil
}

// runMailPlan adds the notifications the store's facts call for.
func runMailPlan(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("mail plan", e.stderr,
		"usage : intiqa-hq mail plan --db FICHIER [--training-reminder TOUR]")
	dbPath := fs.String("db", "", "base SQLite nationale du siège (obligatoire)")
	round := fs.String("training-reminder", "", "nom d'une vague de rappels aux invités "+
		"qui n'ont pas commencé la formation (ex. 2024-04-01) ; chaque vague les rappelle une fois")
	actor := fs.String("actor", defaultActor(), "auteur inscrit au journal d'audit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.PlanNotifications(ctx, *actor, selection.PlanOptions{TrainingReminder: *round})
	if err != nil {
		return fmt.Errorf("planification : %w", err)
	}
	fmt.Fprintf(e.stdout, "notifications ajoutées : %d\n", res.Total)
	for _, k := range selection.NotificationKinds {
		if res.Added[k] > 0 {
			fmt.Fprintf(e.stdout, "  %-18s %7d\n", k, res.Added[k])
		}
	}
	for _, k := range selection.NotificationKinds {
		if res.Cancelled[k] > 0 {
			fmt.Fprintf(e.stdout, "annulées, le fait ayant changé : %s %d\n", k, res.Cancelled[k])
		}
	}
	return nil
}

// runMailStatus prints the outbox's counts by status and kind, and with
// --list STATUS the notifications of that status.
func runMailStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("mail status", e.stderr,
		"usage : intiqa-hq mail status --db FICHIER [--list unknown|failed|...]")
	dbPath := fs.String("db", "", "base SQLite nationale du siège (obligatoire)")
	list := fs.String("list", "", "détaille les notifications de cet état")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *list != "" {
		_, err := selection.ParseEnum("list", *list, selection.NotificationStatuses)
		if err != nil {
			return fmt.Errorf("%w : %v", errUsage, err)
		}
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.NotificationCounts(ctx)
	if err != nil {
		return err
	}
	printMailCounts(e.stdout, c)
	if *list == "" {
		return nil
	}
	filter := localdb.NotificationFilter{Status: selection.NotificationStatus(*list)}
	for n, err := range db.Notifications(ctx, filter) {
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%d tentative(s)\t%s\t%s\n", n.ID, n.Kind,
			n.ApplicantID, n.Attempts, n.MessageID, n.LastError)
	}
	return nil
}

// printMailCounts writes the counts by status, then a table by kind.
func printMailCounts(w io.Writer, c selection.MailCounts) {
	fmt.Fprintf(w, "notifications : %d\n", c.Total)
	for _, s := range selection.NotificationStatuses {
		fmt.Fprintf(w, "  %-9s %7d\n", s, c.ByStatus[s])
	}
	if c.Total == 0 {
		return
	}
	fmt.Fprintf(w, "%-18s", "sorte")
	for _, s := range selection.NotificationStatuses {
		fmt.Fprintf(w, " %9s", s)
	}
	fmt.Fprintln(w)
	for _, k := range selection.NotificationKinds {
		if c.ByKind[k] == nil {
			continue
		}
		fmt.Fprintf(w, "%-18s", k)
		for _, s := range selection.NotificationStatuses {
			fmt.Fprintf(w, " %9d", c.ByKind[k][s])
		}
		fmt.Fprintln(w)
	}
}

// runMailRequeue puts unknown or failed notifications back in the
// queue, after the operator checked the SMTP server's log (unknown) or
// corrected the address (failed).
func runMailRequeue(ctx context.Context, e *env, args []string) error {
	return changeByOperator(ctx, e, "requeue", args, selection.NotificationPending,
		selection.NotificationUnknown, selection.NotificationFailed)
}

// runMailMarkSent records as sent unknown notifications that the SMTP
// server's log shows it accepted.
func runMailMarkSent(ctx context.Context, e *env, args []string) error {
	return changeByOperator(ctx, e, "mark-sent", args, selection.NotificationSent,
		selection.NotificationUnknown)
}

// changeByOperator moves the notifications --id names from one of from
// to to, each an audited change.
func changeByOperator(ctx context.Context, e *env, name string, args []string,
	to selection.NotificationStatus, from ...selection.NotificationStatus) error {
	fs := newFlagSet("mail "+name, e.stderr, "usage : intiqa-hq mail "+name+
		" --db FICHIER --id N[,N...]")
	dbPath := fs.String("db", "", "base SQLite nationale du siège (obligatoire)")
	idList := fs.String("id", "",
		"numéros des notifications, séparés par des virgules (obligatoire)")
	actor := fs.String("actor", defaultActor(), "auteur inscrit au journal d'audit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ids, err := parseIDs(*idList)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, id := range ids {
		n, err := db.ChangeNotification(ctx, *actor, selection.NotificationChange{ID: id,
			From: from, To: to})
		if errors.Is(err, localdb.ErrStaleVersion) {
			return fmt.Errorf("notification %d : elle n'est pas %v, rien n'est changé", id, from)
		}
		if err != nil {
			return fmt.Errorf("notification %d : %w", id, err)
		}
		fmt.Fprintf(e.stdout, "notification %d (%s) : %s\n", n.ID, n.Kind, n.Status)
	}
	return nil
}

// parseIDs reads "N[,N...]".
func parseIDs(s string) ([]int64, error) {
	if s == "" {
		return nil, fmt.Errorf("%w : --id est obligatoire", errUsage)
	}
	var ids []int64
	for _, f := range strings.Split(s, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%w : --id : %q n'est pas un numéro de notification",
				errUsage, f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// runMailKeygen creates the password key file, once.
func runMailKeygen(_ context.Context, e *env, args []string) error {
	fs := newFlagSet("mail keygen", e.stderr, "usage : intiqa-hq mail keygen --key FICHIER")
	path := keyFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" {
		return fmt.Errorf("%w : --key (ou %s) est obligatoire", errUsage, envMailKey)
	}
	err := mail.CreateKey(*path)
	if errors.Is(err, mail.ErrKeyExists) {
		return fmt.Errorf("%s existe déjà : la remplacer changerait le mot de passe initial de "+
			"chaque invité ; elle est gardée telle quelle", *path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "clé créée dans %s (lisible par son seul propriétaire) : "+
		"en garder une copie hors ligne\n", *path)
	return nil
}

// keyFlag declares --key, defaulting to $INTIQA_MAIL_KEY.
func keyFlag(fs *flag.FlagSet) *string {
	return fs.String("key", os.Getenv(envMailKey),
		"fichier de clé des mots de passe initiaux (ou $"+envMailKey+")")
}

// loadKey loads the key file when one is named.
func loadKey(path string) (*mail.PasswordKey, error) {
	if path == "" {
		return nil, nil
	}
	k, err := mail.LoadKey(path)
	if errors.Is(err, mail.ErrKeyExposed) {
		return nil, fmt.Errorf("%v : la restreindre à son propriétaire (chmod 600 %s)", err, path)
	}
	return k, err
}
