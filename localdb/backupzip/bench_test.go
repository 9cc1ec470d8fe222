package backupzip_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"intiqa/localdb"
	"intiqa/localdb/backupzip"
	"intiqa/localdb/demo"
	"intiqa/selection/synth"
)

// benchProvinces are the stores the benchmarks archive: the
// demonstration's province (8,038 applicants) and the generator's
// largest (30,302), each with its document files and an office's work
// in progress.
var benchProvinces = []struct{ name, code string }{
	{"demo", synth.DemoProvince()},
	{"largest", "06.141"},
}

// mustBenchStore builds a demonstration store of a province in dir.
func mustBenchStore(b *testing.B, dir, province string) (*localdb.DB, string) {
	b.Helper()
	ctx := context.Background()
	path, docs := filepath.Join(dir, "intiqa.db"), filepath.Join(dir, "documents")
	err := demo.Build(ctx, path, localdb.Files{Dir: docs},
		demo.Options{Province: province, Seed: 1, Decisions: true})
	if err != nil {
		b.Fatal(err)
	}
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, docs
}

// BenchmarkArchive writes an archive of a province's store and files
// (Write), then checks and restores it into an empty data folder
// (Restore) and over a data folder that holds the files already
// (RestoreOver, a restore on the same laptop), reporting the archive's
// size and document files.
func BenchmarkArchive(b *testing.B) {
	ctx := context.Background()
	for _, p := range benchProvinces {
		dir := b.TempDir()
		db, docs := mustBenchStore(b, dir, p.code)
		archive := filepath.Join(dir, "sauvegarde.zip")
		var m *backupzip.Manifest
		b.Run("Write/"+p.name, func(b *testing.B) {
			for b.Loop() {
				var err error
				if m, err = backupzip.Write(ctx, db, docs, archive, backupzip.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			st, err := os.Stat(archive)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(st.Size())/1e6, "MB")
			b.ReportMetric(float64(len(m.Documents)), "files")
		})
		b.Run("Restore/"+p.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				into := b.TempDir()
				b.StartTimer()
				_, _, err := backupzip.Restore(ctx, archive, filepath.Join(into, "intiqa.db"),
					filepath.Join(into, "documents"), nil)
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("RestoreOver/"+p.name, func(b *testing.B) {
			into := b.TempDir()
			store, files := filepath.Join(into, "intiqa.db"), filepath.Join(into, "documents")
			if _, _, err := backupzip.Restore(ctx, archive, store, files, nil); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, _, err := backupzip.Restore(ctx, archive, store, files, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
