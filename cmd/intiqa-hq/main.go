// Command intiqa-hq is the headquarters program of Intiqa: it generates
// data sets, imports and exports the contract XLSX files, runs and
// verifies the national pre-selection, publishes it, e-mails applicants
// and hands the invited to the training platform, writes reports, and
// serves the provinces: their laptops' synchronisation, enrollment tokens
// and sync bundles.
//
// It builds with CGO_ENABLED=0 and imports no part of the desktop
// interface.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"intiqa/assets"
)

// command is one subcommand of intiqa-hq.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every subcommand shares: output streams and the logger.
type env struct {
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// errUsage marks an error in the command line; the process exits with 2.
var errUsage = errors.New("usage")

func commands() []command {
	return []command{
		{"gen", "génère un jeu de données réaliste (national ou une province)", runGen},
		{"import", "importe applicants|needs|training depuis un fichier XLSX du contrat", runImport},
		{"export", "exporte les candidats vers un fichier XLSX du contrat", runExport},
		{"preselect", "lance la pré-sélection nationale et écrit preselection.xlsx", runPreselect},
		{"verify-run", "réexécute une pré-sélection et la compare à son preselection.xlsx", runVerifyRun},
		{"rules", "affiche les règles livrées, ou valide un fichier de règles (--check)", runRules},
		{"report", "écrit une liste ou des statistiques en PDF ou XLSX, ou un modèle d'import", runReport},
		{"publish-rules", "publie un fichier de règles aux provinces (--rules, --db)", runPublishRules},
		{"serve", "sert les provinces : synchronisation des portables (HTTPS)", runServe},
		{"token", "crée, révoque ou liste les jetons d'enrôlement des portables", runToken},
		{"bundle", "paquets de synchronisation sur clé USB : import|export", runBundle},
		{"publish-run", "publie une pré-sélection enregistrée : ses résultats seront annoncés", runPublishRun},
		{"mail", "courriels aux candidats : plan, preview, send, status, requeue, mark-sent, keygen", runMail},
		{"training-accounts", "comptes de la plateforme de formation des invités (XLSX)", runTrainingAccounts},
		{"backup", "écrit une sauvegarde cohérente d'une base, même en service", runBackup},
		{"restore", "vérifie une sauvegarde et la remet en place d'une base arrêtée", runRestore},
		{"version", "affiche la version du programme (comme --version)", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{
		stdout: os.Stdout,
		stderr: os.Stderr,
		log:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
	os.Exit(run(ctx, e, os.Args[1:]))
}

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		return 2
	}
	if args[0] == "--version" || args[0] == "-version" {
		args[0] = "version"
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(e.stderr, "intiqa-hq %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(e.stderr, "intiqa-hq %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "intiqa-hq: commande inconnue %q\n", args[0])
	usage(e.stderr)
	return 2
}

// runVersion prints the program's version line.
func runVersion(_ context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w : argument inattendu %q", errUsage, args[0])
	}
	fmt.Fprintln(e.stdout, assets.VersionLine("intiqa-hq"))
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage : intiqa-hq COMMANDE [options]   (intiqa-hq --version)")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-17s %s\n", c.name, c.summary)
	}
}
