package sync_test

import (
	"math/rand/v2"
	"net"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultProxy is a TCP proxy on loopback, written for the tests, that
// stands between laptops and headquarters. It can inject faults at
// random (cut a connection in either direction, stall it and then cut
// it, truncate an answer) and throttle the link to a bandwidth and a
// round-trip time. It counts the bytes it carries each way.
type faultProxy struct {
	ln     net.Listener
	target string

	mu        gosync.Mutex
	rng       *rand.Rand
	faultRate float64 // probability of a fault at each chunk carried
	maxFaults int64   // no more faults after this many (0: unlimited)

	bandwidth int           // bytes per second each way; 0 for unlimited
	delay     time.Duration // one-way latency

	faults    atomic.Int64
	byKind    [3]atomic.Int64 // cuts, stalls, truncations
	up, down  atomic.Int64    // bytes to headquarters, and back
	conns     gosync.WaitGroup
	closing   atomic.Bool
	openConns gosync.Map
}

// The kinds of fault.
const (
	faultCut = iota
	faultStall
	faultTruncate
)

// MustProxy starts a proxy to target ("host:port").
func MustProxy(tb testing.TB, target string, seed uint64) *faultProxy {
	tb.Helper()
	p := newProxy(target, seed)
	if p == nil {
		tb.Fatal("proxy: cannot listen on loopback")
	}
	tb.Cleanup(p.Close)
	return p
}

// newProxy starts a proxy to target, nil if it cannot listen.
func newProxy(target string, seed uint64) *faultProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil
	}
	p := &faultProxy{ln: ln, target: target, rng: rand.New(rand.NewPCG(seed, 7))}
	go p.accept()
	return p
}

// URL is the proxy's address as an http URL.
func (p *faultProxy) URL() string { return "http://" + p.ln.Addr().String() }

// SetFaults sets the probability of a fault per chunk and the most faults
// to inject.
func (p *faultProxy) SetFaults(rate float64, max int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faultRate, p.maxFaults = rate, max
}

// SetLink throttles every connection to a bandwidth (bytes per second,
// each way) and a one-way delay.
func (p *faultProxy) SetLink(bandwidth int, delay time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bandwidth, p.delay = bandwidth, delay
}

// Close stops the proxy and cuts every connection.
func (p *faultProxy) Close() {
	p.closing.Store(true)
	p.ln.Close()
	p.openConns.Range(func(k, _ any) bool { k.(net.Conn).Close(); return true })
	p.conns.Wait()
}

func (p *faultProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		go p.handle(c)
	}
}

// handle carries one connection both ways until either side closes or
// a fault cuts it.
func (p *faultProxy) handle(client net.Conn) {
	defer p.conns.Done()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.openConns.Store(client, true)
	p.openConns.Store(server, true)
	defer p.openConns.Delete(client)
	defer p.openConns.Delete(server)
	cut := make(chan struct{})
	var once gosync.Once
	stop := func() { once.Do(func() { close(cut); client.Close(); server.Close() }) }
	var wg gosync.WaitGroup
	wg.Go(func() { p.pipe(server, client, &p.up, false, stop, cut) })
	wg.Go(func() { p.pipe(client, server, &p.down, true, stop, cut) })
	wg.Wait()
}

// chunk is how many bytes the proxy carries at a time.
const chunk = 4096

// segment is a chunk on its way, with the time it arrives at the other
// end, or the fault that ends the connection after it.
type segment struct {
	data   []byte
	arrive time.Time
	fault  int
}

// pipe carries src to dst: a reader takes chunks and decides their
// faults and arrival times (the link serialises bytes at its bandwidth
// and delivers them after its delay), a writer delivers them in order.
// At most 64 chunks are on their way, so the sender feels back-pressure.
func (p *faultProxy) pipe(dst, src net.Conn, count *atomic.Int64, answers bool, stop func(),
	cut <-chan struct{}) {
	defer stop()
	segs := make(chan segment, 64)
	go p.read(src, answers, segs, cut)
	for s := range segs {
		if d := time.Until(s.arrive); d > 0 {
			select {
			case <-time.After(d):
			case <-cut:
				return
			}
		}
		switch s.fault {
		case faultCut:
			return
		case faultStall:
			select {
			case <-time.After(time.Duration(50+rand.IntN(250)) * time.Millisecond):
			case <-cut:
			}
			return
		case faultTruncate:
			s.data = s.data[:rand.IntN(len(s.data))]
		}
		if _, err := dst.Write(s.data); err != nil {
			return
		}
		count.Add(int64(len(s.data)))
		if s.fault == faultTruncate {
			return
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}

// read takes chunks from src until it closes or a fault is drawn.
func (p *faultProxy) read(src net.Conn, answers bool, segs chan<- segment, cut <-chan struct{}) {
	defer close(segs)
	var txDone time.Time
	for {
		buf := make([]byte, chunk)
		n, err := src.Read(buf)
		if n > 0 {
			fault, bw, delay := p.draw(answers)
			now := time.Now()
			if txDone.Before(now) {
				txDone = now
			}
			if bw > 0 {
				txDone = txDone.Add(time.Duration(int64(n) * int64(time.Second) / int64(bw)))
			}
			select {
			case segs <- segment{data: buf[:n], arrive: txDone.Add(delay), fault: fault}:
			case <-cut:
				return
			}
			if fault >= 0 {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// draw decides whether a chunk meets a fault, and reads the link's
// settings.
func (p *faultProxy) draw(answers bool) (fault, bandwidth int, delay time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fault = -1
	if p.faultRate > 0 && (p.maxFaults == 0 || p.faults.Load() < p.maxFaults) &&
		p.rng.Float64() < p.faultRate {
		fault = p.rng.IntN(3)
		if fault == faultTruncate && !answers {
			fault = faultCut
		}
		p.faults.Add(1)
		p.byKind[fault].Add(1)
	}
	return fault, p.bandwidth, p.delay
}
