package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// runBundle exchanges sync bundles with offices that have no network:
//
//	bundle import --db FILE --in LAPTOP.bundle [--reply REPLY.bundle]
//	bundle export --db FILE --token ID --out FILE [--since N]
//
// import applies a laptop's decisions as a push would (a bundle imported
// twice changes nothing more) and, with --reply, writes the answers and
// the province's changes back for the laptop. export writes the
// province's changes for a token's laptop.
func runBundle(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w : bundle import|export", errUsage)
	}
	fs := flag.NewFlagSet("bundle "+args[0], flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dbPath := fs.String("db", "", "base SQLite nationale du siège (obligatoire)")
	in := fs.String("in", "", "paquet reçu d'un portable (import)")
	reply := fs.String("reply", "", "paquet de réponse à écrire pour le portable (import)")
	out := fs.String("out", "", "paquet à écrire (export)")
	token := fs.String("token", "", "ID du jeton du portable destinataire (export)")
	since := fs.Int64("since", 0, "curseur du portable : n'écrire que les changements suivants")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage : intiqa-hq bundle import --db FICHIER --in PAQUET "+
			"[--reply RÉPONSE]\n        intiqa-hq bundle export --db FICHIER --token ID --out PAQUET "+
			"[--since N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w : %v", errUsage, err)
	}
	if *dbPath == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w : --db est obligatoire, sans autre argument", errUsage)
	}
	db, err := localdb.Open(ctx, *dbPath, localdb.Options{})
	if err != nil {
		return fmt.Errorf("ouverture de la base %s : %w", *dbPath, err)
	}
	defer db.Close()
	switch args[0] {
	case "import":
		if *in == "" {
			return fmt.Errorf("%w : bundle import --in PAQUET", errUsage)
		}
		return importBundle(ctx, e.stdout, db, *in, *reply, *since)
	case "export":
		if *out == "" || *token == "" {
			return fmt.Errorf("%w : bundle export --token ID --out PAQUET", errUsage)
		}
		n, err := writeAtomically(*out, func(w io.Writer) (int, error) {
			return isync.WriteProvinceBundle(ctx, db, w, *token, *since, nil)
		})
		if err != nil {
			return fmt.Errorf("paquet %s : %w", *out, err)
		}
		fmt.Fprintf(e.stdout, "paquet écrit : %s, %d changements\n", *out, n)
		return nil
	}
	return fmt.Errorf("%w : bundle import|export, pas %q", errUsage, args[0])
}

// importBundle applies a laptop's bundle and writes the reply.
func importBundle(ctx context.Context, w io.Writer, db *localdb.DB, in, reply string,
	since int64) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("paquet %s : %w", in, err)
	}
	defer f.Close()
	tok, results, err := isync.ImportLaptopBundle(ctx, db, f)
	if err != nil {
		return fmt.Errorf("paquet %s refusé, rien n'a été appliqué : %w", in, err)
	}
	counts := map[selection.DecisionStatus]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	fmt.Fprintf(w, "paquet %s du jeton %s (province %s) : %d décisions : %d appliquées, "+
		"%d déjà reçues, %d en conflit, %d refusées\n", in, tok.ID, tok.Province, len(results),
		counts[selection.DecisionApplied], counts[selection.DecisionDuplicate],
		counts[selection.DecisionConflict], counts[selection.DecisionRejected])
	if reply == "" {
		return nil
	}
	n, err := writeAtomically(reply, func(out io.Writer) (int, error) {
		return isync.WriteProvinceBundle(ctx, db, out, tok.ID, since, results)
	})
	if err != nil {
		return fmt.Errorf("réponse %s : %w", reply, err)
	}
	fmt.Fprintf(w, "réponse écrite : %s, %d réponses et %d changements\n", reply, len(results), n)
	return nil
}
