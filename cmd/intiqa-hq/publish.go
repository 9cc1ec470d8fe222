package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"intiqa/localdb"
	"intiqa/selection"
)

// runPublishRules records a rules file in the national store, where the
// provinces' laptops receive it with their next pull.
func runPublishRules(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("publish-rules", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dbPath := fs.String("db", "", "base SQLite nationale du siège (obligatoire)")
	rules := fs.String("rules", "", "fichier de règles JSON (par défaut, les règles livrées)")
	actor := fs.String("actor", defaultActor(), "auteur inscrit au journal d'audit")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage : intiqa-hq publish-rules --db FICHIER [--rules FICHIER]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w : %v", errUsage, err)
	}
	if *dbPath == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w : --db est obligatoire, sans autre argument", errUsage)
	}
	body := selection.DefaultRulesJSON()
	if *rules != "" {
		var err error
		if body, err = os.ReadFile(*rules); err != nil {
			return fmt.Errorf("lecture des règles : %w", err)
		}
	}
	db, err := localdb.Open(ctx, *dbPath, localdb.Options{})
	if err != nil {
		return fmt.Errorf("ouverture de la base %s : %w", *dbPath, err)
	}
	defer db.Close()
	if db.Scope() != localdb.NationalScope {
		return fmt.Errorf("%s est la base d'un portable, pas celle du siège", *dbPath)
	}
	p, err := db.PublishRules(ctx, *actor, body)
	if err != nil {
		return fmt.Errorf("publication des règles : %w", err)
	}
	fmt.Fprintf(e.stdout, "règles publiées : version %s, empreinte %s\n", p.Version, p.Hash)
	return nil
}
