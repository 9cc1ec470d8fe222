package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/localdb"
	"intiqa/reports/xlsx"
)

// runTrainingAccounts writes training_accounts.xlsx, the hand-off of a
// pre-selection's invited applicants to the training platform: username
// the e-mail, and the argon2id hash of the initial password that only
// the invitation e-mail carries.
func runTrainingAccounts(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("training-accounts", e.stderr, "usage : intiqa-hq training-accounts "+
		"--db FICHIER --key FICHIER --out training_accounts.xlsx [--run ID]")
	dbPath := fs.String("db", "", "base SQLite nationale du siège (obligatoire)")
	keyPath := keyFlag(fs)
	out := fs.String("out", "", "fichier training_accounts.xlsx à écrire (obligatoire)")
	runID := fs.String("run", "", "pré-sélection ; vide : celle qui est publiée")
	memory := fs.Uint("argon2-memory", uint(mail.DefaultHashParams.Memory),
		"mémoire d'argon2id, en Kio")
	passes := fs.Uint("argon2-time", uint(mail.DefaultHashParams.Time), "passes d'argon2id")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *out == "":
		return fmt.Errorf("%w : --out est obligatoire", errUsage)
	case *keyPath == "":
		return fmt.Errorf("%w : --key (ou %s) est obligatoire : la clé donne les mots de passe "+
			"que les invitations portent", errUsage, envMailKey)
	case *memory < 8 || *memory > 1<<22 || *passes < 1 || *passes > 100:
		return fmt.Errorf("%w : paramètres d'argon2id hors limites", errUsage)
	}
	key, err := loadKey(*keyPath)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := accountsRun(ctx, db, *runID)
	if err != nil {
		return err
	}
	start := time.Now()
	params := mail.HashParams{Memory: uint32(*memory), Time: uint32(*passes), Threads: 1}
	n, err := writeAtomically(*out, func(w io.Writer) (int, error) {
		return xlsx.WriteTrainingAccounts(w, mail.TrainingAccounts(ctx, db, id, key, params, 0))
	})
	if err != nil {
		return fmt.Errorf("écriture de %s : %w", *out, err)
	}
	fmt.Fprintf(e.stdout, "comptes de formation : %d invités de %s écrits dans %s (%.1f s)\n",
		n, id, *out, time.Since(start).Seconds())
	return nil
}

// accountsRun returns the pre-selection run the accounts come from:
// the one named, which must be committed, or the committed one.
func accountsRun(ctx context.Context, db *localdb.DB, id string) (string, error) {
	if id == "" {
		r, err := db.CommittedPreselection(ctx)
		if errors.Is(err, localdb.ErrNotFound) {
			return "", fmt.Errorf("aucune pré-sélection publiée : " +
				"intiqa-hq publish-run --run ID d'abord")
		}
		if err != nil {
			return "", err
		}
		return r.ID, nil
	}
	r, err := db.Run(ctx, id)
	if err != nil {
		return "", fmt.Errorf("run %s : %w", id, err)
	}
	if r.CommittedAt.IsZero() {
		return "", fmt.Errorf("le run %s n'est pas publié : les invitations ne sont pas parties",
			id)
	}
	return r.ID, nil
}

// runPublishRun commits a stored pre-selection run: its outcomes become
// what applicants are told.
func runPublishRun(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("publish-run", e.stderr, "usage : intiqa-hq publish-run --db FICHIER --run ID")
	dbPath := fs.String("db", "", "base SQLite nationale du siège (obligatoire)")
	runID := fs.String("run", "", "run de pré-sélection à publier (obligatoire)")
	actor := fs.String("actor", defaultActor(), "auteur inscrit au journal d'audit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *runID == "" {
		return fmt.Errorf("%w : --run est obligatoire", errUsage)
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.CommitRun(ctx, *actor, *runID)
	switch {
	case errors.Is(err, localdb.ErrCommitted):
		return fmt.Errorf("%v : une seule pré-sélection est publiée, les candidats ne doivent "+
			"pas recevoir deux résultats", err)
	case errors.Is(err, localdb.ErrNotFound):
		return fmt.Errorf("run %s introuvable (intiqa-hq preselect --db l'enregistre)", *runID)
	case err != nil:
		return fmt.Errorf("publication : %w", err)
	}
	fmt.Fprintf(e.stdout, "run %s publié le %s ; intiqa-hq mail plan prépare les courriels\n",
		r.ID, r.CommittedAt.Format(time.RFC3339))
	return nil
}
