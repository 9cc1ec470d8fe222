package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"intiqa/localdb"
)

// runBackup writes a consistent snapshot of a store while the server may
// be writing to it, and checks the copy before naming it.
func runBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("backup", e.stderr,
		"usage : intiqa-hq backup --db FICHIER --out SAUVEGARDE.db")
	db := fs.String("db", "", "base SQLite à sauvegarder (obligatoire)")
	out := fs.String("out", "", "fichier de sauvegarde à écrire (obligatoire)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *db == "":
		return fmt.Errorf("%w : --db est obligatoire", errUsage)
	case *out == "":
		return fmt.Errorf("%w : --out est obligatoire", errUsage)
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("base %s introuvable : %w", *db, err)
	}
	store, err := localdb.Open(ctx, *db, localdb.Options{})
	if err != nil {
		return fmt.Errorf("ouverture de la base %s : %w", *db, err)
	}
	defer store.Close()
	info, err := store.Backup(ctx, *out)
	if err != nil {
		return fmt.Errorf("sauvegarde : %w", err)
	}
	fmt.Fprintf(e.stdout, "sauvegarde écrite dans %s : %s, portée %s, "+
		"%d entrées du journal d'audit vérifiées (dernière %s)\n",
		info.Path, sizeMB(info.Size), scopeName(info.Scope), info.AuditEntries, info.AuditHead)
	return nil
}

// runRestore checks a backup and puts it in place of a stopped store,
// keeping the replaced store beside it.
func runRestore(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("restore", e.stderr,
		"usage : intiqa-hq restore --db FICHIER --from SAUVEGARDE.db (serveur arrêté)")
	db := fs.String("db", "", "base SQLite à remplacer (obligatoire)")
	from := fs.String("from", "", "sauvegarde à restaurer (obligatoire)")
	check := fs.Bool("check", false, "vérifier la sauvegarde seulement, sans rien remplacer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *from == "":
		return fmt.Errorf("%w : --from est obligatoire", errUsage)
	case *db == "" && !*check:
		return fmt.Errorf("%w : --db est obligatoire", errUsage)
	}
	info, err := localdb.CheckBackup(ctx, *from)
	if err != nil {
		return fmt.Errorf("sauvegarde refusée : %w", err)
	}
	fmt.Fprintf(e.stdout, "sauvegarde saine : %s, portée %s, %d entrées du journal d'audit vérifiées\n",
		sizeMB(info.Size), scopeName(info.Scope), info.AuditEntries)
	if *check {
		return nil
	}
	kept, err := localdb.Restore(ctx, *db, *from)
	if errors.Is(err, localdb.ErrStoreInUse) {
		return fmt.Errorf("%v : arrêter d'abord le service (systemctl stop intiqa-hq)", err)
	}
	if err != nil {
		return fmt.Errorf("restauration : %w", err)
	}
	fmt.Fprintf(e.stdout, "restauré dans %s ; l'ancienne base est gardée dans %s\n", *db, kept)
	return nil
}

func sizeMB(n int64) string { return fmt.Sprintf("%.1f Mo", float64(n)/(1<<20)) }

func scopeName(scope string) string {
	if scope == localdb.NationalScope {
		return "nationale"
	}
	return "province " + scope
}
