package xlsx_test

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"intiqa/reports/xlsx"
	"intiqa/selection/synth"
)

// heapSampler records the peak live heap while a benchmark writes.
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func sampleHeap() *heapSampler {
	runtime.GC()
	s := &heapSampler{stop: make(chan struct{})}
	s.done.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			s.peak = max(s.peak, ms.HeapAlloc)
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	})
	return s
}

// peakMB ends sampling and returns the peak live heap in MB.
func (s *heapSampler) peakMB() float64 {
	close(s.stop)
	s.done.Wait()
	return float64(s.peak) / (1 << 20)
}

// cpuSeconds returns the user and system CPU time the process used so
// far: unlike wall time, it does not grow when other processes share the
// machine.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// residentPeakMB returns VmHWM, the process's peak resident memory, in MB.
func residentPeakMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkWriteApplicantsNational writes the national applicants.xlsx
// (488,321 rows, generated on the fly) to a temporary file.
func BenchmarkWriteApplicantsNational(b *testing.B) {
	g, err := synth.New(1, "")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "applicants.xlsx")
	for b.Loop() {
		heap := sampleHeap()
		start, cpu := time.Now(), cpuSeconds()
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		n, err := xlsx.WriteApplicants(w, xlsx.NoError(g.Applicants()))
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil || n != 488_321 {
			b.Fatalf("wrote %d rows: %v", n, err)
		}
		elapsed := time.Since(start)
		info, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(cpuSeconds()-cpu, "cpu-s")
		b.ReportMetric(heap.peakMB(), "peak-heap-MB")
		b.ReportMetric(residentPeakMB(), "VmHWM-MB")
		b.ReportMetric(float64(info.Size())/(1<<20), "file-MB")
	}
}
