package synth_test

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"intiqa/selection/synth"
)

// peakHeap samples the live heap while a benchmark runs.
type peakHeap struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func startPeakHeap() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{})}
	p.done.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			p.peak = max(p.peak, ms.HeapAlloc)
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	})
	return p
}

// Stop ends sampling and returns the peak live heap in MB.
func (p *peakHeap) Stop() float64 {
	close(p.stop)
	p.done.Wait()
	return float64(p.peak) / (1 << 20)
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

// vmHWM returns the process's peak resident memory in MB, from
// /proc/self/status (0 where there is none).
func vmHWM() float64 {
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

// BenchmarkGenerateNational generates the national data set: every
// applicant, the needs and the training progress (whose draw regenerates
// the applicants twice), with no file.
func BenchmarkGenerateNational(b *testing.B) {
	for b.Loop() {
		peak := startPeakHeap()
		start, cpu := time.Now(), cpuSeconds()
		g, err := synth.New(1, "")
		if err != nil {
			b.Fatal(err)
		}
		apps := 0
		for range g.Applicants() {
			apps++
		}
		appsTime := time.Since(start)
		needs := len(g.Needs())
		training := 0
		for range g.Training() {
			training++
		}
		if apps != 488_321 || needs == 0 || training != 201_322 {
			b.Fatalf("generated %d applicants, %d needs, %d training rows", apps, needs, training)
		}
		b.ReportMetric(float64(apps)/appsTime.Seconds(), "applicants/s")
		b.ReportMetric(cpuSeconds()-cpu, "cpu-s")
		b.ReportMetric(peak.Stop(), "peak-heap-MB")
		b.ReportMetric(vmHWM(), "VmHWM-MB")
	}
}

// BenchmarkApplicant measures one applicant's generation.
func BenchmarkApplicant(b *testing.B) {
	g, err := synth.New(1, synth.DemoProvince())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for range g.Applicants() {
			break
		}
	}
}
