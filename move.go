package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"intiqa/localdb/backupzip"
	"intiqa/selection/office"
	"intiqa/ui"
)

// MoveDataDir copies the store and its document files into dir, checks
// the copy as a restore does, remembers dir for the next start, then
// closes the store, so that no work goes on in the old folder: the app
// must be started again. The old folder is left as it was. A folder that
// holds a store already is refused (ui.ErrStorePresent). Administrators
// only.
func (k *keeper) MoveDataDir(ctx context.Context, dir string, progress func(ui.Progress)) (
	closed bool, err error) {
	u, err := k.svc.Authorize(office.ActChooseDataDir)
	if err != nil {
		return false, err
	}
	dir = filepath.Clean(dir)
	if err := k.checkMoveTarget(dir); err != nil {
		return false, err
	}
	name, docs := storeFile, docsDir
	if k.kind == kindDemo {
		name, docs = demoFile, demoDocs
	}
	store, files := filepath.Join(dir, name), filepath.Join(dir, docs)
	_, docsExisted := os.Stat(files)

	// The copy, through an archive checked whole, into the new folder.
	m, err := k.copyInto(ctx, dir, store, files, progress)
	if err == nil {
		err = recordRestore(context.WithoutCancel(ctx), store, u.Name, m, "")
	}
	if err == nil {
		err = writeSettings(k.b.dirs.Default, settings{DataDir: dir})
	}
	if err != nil {
		// Nothing half-made is left to be taken for data at the next start.
		err = errors.Join(err, removeStore(store))
		if docsExisted != nil {
			err = errors.Join(err, os.RemoveAll(files))
		}
		return false, err
	}
	k.b.log.Info("data copied to a new folder for the next start", keyDir, dir,
		keyDocuments, len(m.Documents))
	if err := k.b.closeStore(k.store); err != nil {
		return true, fmt.Errorf("move data: close store: %w", err)
	}
	return true, nil
}

// checkMoveTarget accepts a folder that can hold the data, other than
// the one in use, and with no store in it.
func (k *keeper) checkMoveTarget(dir string) error {
	if dir == filepath.Clean(k.b.dir) {
		return fmt.Errorf("move data to %s: the folder in use: %w", dir, ui.ErrDataDirUnusable)
	}
	if err := checkDataDir(dir); err != nil {
		return err
	}
	for _, f := range []string{storeFile, demoFile} {
		if exists, err := fileExists(filepath.Join(dir, f)); err != nil {
			return err
		} else if exists {
			return fmt.Errorf("move data to %s: %w", dir, ui.ErrStorePresent)
		}
	}
	return nil
}

// copyInto writes an archive of the store into a temporary folder of
// dir, then restores it as store and files, checked whole.
func (k *keeper) copyInto(ctx context.Context, dir, store, files string,
	progress func(ui.Progress)) (*backupzip.Manifest, error) {
	work, err := os.MkdirTemp(dir, ".intiqa-move-*")
	if err != nil {
		return nil, fmt.Errorf("move data: %w", err)
	}
	defer os.RemoveAll(work)
	archive := filepath.Join(work, "copie.zip")
	_, err = backupzip.Write(ctx, k.store.db, k.docs, archive, backupzip.Options{Kind: k.kind,
		Progress: stepProgress(ui.StepBackup, progress)})
	if err != nil {
		return nil, fmt.Errorf("move data: %w", err)
	}
	_, m, err := backupzip.Restore(ctx, archive, store, files,
		stepProgress(ui.StepCheckBackup, progress))
	if err != nil {
		return nil, fmt.Errorf("move data: %w", err)
	}
	return m, nil
}
