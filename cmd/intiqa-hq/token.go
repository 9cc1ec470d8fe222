package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// runToken issues, revokes or lists the enrollment tokens:
//
//	token create --db FILE --province CODE --role ROLE [--label TEXT]
//	token revoke --db FILE ID
//	token list --db FILE
func runToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w : token create|revoke|list", errUsage)
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dbPath := fs.String("db", "", "base SQLite nationale du siège (obligatoire)")
	actor := fs.String("actor", defaultActor(), "auteur inscrit au journal d'audit")
	var province, role, label string
	if args[0] == "create" {
		fs.StringVar(&province, "province", "", "code de la province du portable (ex. 09.163)")
		fs.StringVar(&role, "role", "", "supervisor, panel ou coordinator")
		fs.StringVar(&label, "label", "", "note libre : le poste, son utilisateur")
	}
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage : intiqa-hq token create --db FICHIER --province CODE "+
			"--role supervisor|panel|coordinator [--label TEXTE]\n"+
			"        intiqa-hq token revoke --db FICHIER ID\n        intiqa-hq token list --db FICHIER")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w : %v", errUsage, err)
	}
	if *dbPath == "" {
		return fmt.Errorf("%w : --db est obligatoire", errUsage)
	}
	db, err := localdb.Open(ctx, *dbPath, localdb.Options{})
	if err != nil {
		return fmt.Errorf("ouverture de la base %s : %w", *dbPath, err)
	}
	defer db.Close()
	switch args[0] {
	case "create":
		if fs.NArg() > 0 || province == "" || role == "" {
			return fmt.Errorf("%w : token create --province CODE --role ROLE", errUsage)
		}
		return createToken(ctx, e.stdout, db, *actor, province, selection.SyncRole(role), label)
	case "revoke":
		if fs.NArg() != 1 {
			return fmt.Errorf("%w : token revoke ID", errUsage)
		}
		if err := db.RevokeToken(ctx, *actor, fs.Arg(0)); err != nil {
			return fmt.Errorf("révocation : %w", err)
		}
		fmt.Fprintf(e.stdout, "jeton %s révoqué\n", fs.Arg(0))
		return nil
	case "list":
		return listTokens(ctx, e.stdout, db)
	}
	return fmt.Errorf("%w : token create|revoke|list, pas %q", errUsage, args[0])
}

// createToken issues a token and prints it, the only time it is shown.
func createToken(ctx context.Context, w io.Writer, db *localdb.DB, actor, province string,
	role selection.SyncRole, label string) error {
	token, t, err := db.CreateToken(ctx, actor, province, role, label)
	if err != nil {
		return fmt.Errorf("création du jeton : %w", err)
	}
	fmt.Fprintf(w, "jeton %s pour la province %s, rôle %s :\n%s\n", t.ID, t.Province, t.Role, token)
	fmt.Fprintln(w, "Il ne sera plus affiché : le siège n'en garde que l'empreinte. "+
		"Saisissez-le à l'enrôlement du portable.")
	return nil
}

// listTokens prints every token, without its secret, with the
// fingerprint of the key its laptop registered to sign bundles.
func listTokens(ctx context.Context, w io.Writer, db *localdb.DB) error {
	tokens, err := db.Tokens(ctx)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		state := "valide"
		if !t.RevokedAt.IsZero() {
			state = "révoqué le " + t.RevokedAt.Format(time.DateTime)
		}
		key := "sans clé"
		if t.Key != "" {
			key = "clé " + t.Key
		}
		fmt.Fprintf(w, "%s  %-7s  %-11s  %s  %s  %s  %s\n", t.ID, t.Province, t.Role,
			t.CreatedAt.Format(time.DateOnly), state, key, t.Label)
	}
	return nil
}
