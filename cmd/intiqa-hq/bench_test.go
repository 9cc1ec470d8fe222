package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"intiqa/localdb"
	"intiqa/reports/xlsx"
	"intiqa/selection/synth"
)

// benchSeed is the seed of the national data set the benchmarks use.
const benchSeed = 1

// benchDir is where the national files are cached between runs, keyed
// by seed, since writing them takes about a minute.
func benchDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), "intiqa-bench", fmt.Sprintf("seed-%d", benchSeed))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// mustNationalFile returns the national applicants.xlsx, written once
// from the generator through the contract writer.
func mustNationalFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(benchDir(tb), "applicants.xlsx")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	g, err := synth.New(benchSeed, "")
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	_, err = writeAtomically(path, func(w io.Writer) (int, error) {
		return xlsx.WriteApplicants(w, xlsx.NoError(g.Applicants()))
	})
	if err != nil {
		tb.Fatalf("write national file: %v", err)
	}
	tb.Logf("wrote %s in %s", path, time.Since(start))
	return path
}

// mustNationalStore returns a store holding the national applicants,
// imported once from mustNationalFile.
func mustNationalStore(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(benchDir(tb), "national.db")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".part"
	os.Remove(tmp)
	opts := importOptions{db: tmp, actor: "bench", kind: xlsx.KindApplicants, file: mustNationalFile(tb)}
	if _, err := importFile(context.Background(), opts, nil); err != nil {
		tb.Fatalf("import national file: %v", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
	return path
}

// resetPeak resets the process's peak resident memory (Linux), so that
// each phase reports its own.
func resetPeak() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakMB returns the process's peak resident memory in MB (VmHWM).
func peakMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(data) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.Atoi(string(bytes.Fields(v)[0]))
			return float64(kb) / 1024
		}
	}
	return 0
}

// measure runs fn once per iteration and reports its seconds, the peak
// resident memory of the process, and the peak of the Go heap (the rest
// of the resident memory is SQLite's, which allocates outside it).
func measure(b *testing.B, fn func(b *testing.B)) {
	b.Helper()
	var total time.Duration
	stop := make(chan struct{})
	heap := make(chan uint64)
	go sampleHeap(stop, heap)
	for range b.N {
		debug.FreeOSMemory() // so that the peak is this run's, not an earlier one's
		resetPeak()
		start := time.Now()
		fn(b)
		total += time.Since(start)
	}
	close(stop)
	b.ReportMetric(total.Seconds()/float64(b.N), "s/op")
	b.ReportMetric(peakMB(), "peak-MB")
	b.ReportMetric(float64(<-heap)/(1<<20), "heap-peak-MB")
}

// sampleHeap sends on out the highest Go heap in use it saw, sampling
// every 20 ms until stop is closed.
func sampleHeap(stop <-chan struct{}, out chan<- uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
		case <-stop:
			out <- peak
			return
		}
	}
}

// BenchmarkImportNational measures, on the national applicants.xlsx
// (488,321 rows): a bare excelize Rows pass reading every cell, the
// reader alone (parsing and per-row validation), and the full import
// into an empty store. Run it with -benchtime=1x.
func BenchmarkImportNational(b *testing.B) {
	path := mustNationalFile(b)
	b.Run("ExcelizeRows", func(b *testing.B) { measure(b, func(b *testing.B) { excelizePass(b, path) }) })
	b.Run("Reader", func(b *testing.B) { measure(b, func(b *testing.B) { readerPass(b, path) }) })
	b.Run("Import", func(b *testing.B) {
		measure(b, func(b *testing.B) {
			b.StopTimer()
			db := filepath.Join(b.TempDir(), "intiqa.db")
			opts := importOptions{db: db, actor: "bench", kind: xlsx.KindApplicants, file: path}
			defer limitImportMemory()() // as runImport does
			b.StartTimer()
			res, err := importFile(context.Background(), opts, nil)
			if err != nil || res.Created != 488_321 {
				b.Fatalf("import: %+v, %v", res, err)
			}
		})
	})
}

// excelizePass reads every cell of the file with excelize's Rows, as
// raw values, the way a reader built on it would.
func excelizePass(b *testing.B, path string) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(xlsx.ApplicantsSheet)
	if err != nil {
		b.Fatal(err)
	}
	n, size := 0, 0
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cells {
			size += len(c)
		}
		n++
	}
	if err := rows.Close(); err != nil || n != 488_322 || size == 0 {
		b.Fatalf("excelize read %d rows: %v", n, err)
	}
}

// readerPass reads and parses every row with the contract reader.
func readerPass(b *testing.B, path string) {
	r, err := xlsx.OpenApplicants(path, xlsx.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	n := 0
	for row, err := range r.Rows() {
		if err != nil || len(row.Problems) > 0 {
			b.Fatalf("row %d: %v %v", row.Line, err, row.Problems)
		}
		n++
	}
	if n != 488_321 {
		b.Fatalf("read %d rows", n)
	}
}

// BenchmarkExportNational measures exporting the national store to
// applicants.xlsx. Run it with -benchtime=1x.
func BenchmarkExportNational(b *testing.B) {
	db := mustNationalStore(b)
	out := filepath.Join(b.TempDir(), "applicants.xlsx")
	measure(b, func(b *testing.B) {
		store, err := localdb.Open(context.Background(), db, localdb.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer store.Close()
		n, err := writeAtomically(out, func(w io.Writer) (int, error) {
			return exportTo(context.Background(), w, store, xlsx.KindApplicants)
		})
		if err != nil || n != 488_321 {
			b.Fatalf("export %d rows: %v", n, err)
		}
	})
	st, _ := os.Stat(out)
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
}
