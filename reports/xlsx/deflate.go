package xlsx

import (
	"bytes"
	"compress/flate"
	"io"
	"runtime"
	"sync"
)

// deflateChunk is the size of the pieces parallelDeflate compresses
// apart; smaller pieces lose a little ratio, larger ones parallelism.
const deflateChunk = 1 << 20

// parallelDeflate compresses into one raw DEFLATE stream on every core,
// as pigz does: the input is cut into chunks, each compressed on its own
// and ended by a sync flush (a non-final block ending on a byte boundary),
// so the pieces laid end to end, then a final empty block, form a valid
// stream. The output depends only on the input, never on scheduling.
//
// The sheet of a large export is mostly compressed after its last row
// (excelize spools it, then copies it into the archive), so this halves
// that step on two cores.
type parallelDeflate struct {
	out     io.Writer
	buf     *[]byte         // the chunk being filled
	pending []chan deflated // in input order
	limit   int             // chunks in flight
	chunk   int             // chunk size, deflateChunk but in tests
	err     error
}

// deflated is one compressed chunk.
type deflated struct {
	data *bytes.Buffer
	err  error
}

func newParallelDeflate(out io.Writer) *parallelDeflate {
	return &parallelDeflate{out: out, limit: 2 * runtime.GOMAXPROCS(0), chunk: deflateChunk}
}

var (
	flateWriters = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
		return w
	}}
	deflateBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	chunkBuffers   = sync.Pool{New: func() any {
		b := make([]byte, 0, deflateChunk)
		return &b
	}}
)

// Write queues p for compression.
func (z *parallelDeflate) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && z.err == nil {
		if z.buf == nil {
			z.buf = chunkBuffers.Get().(*[]byte)
			*z.buf = (*z.buf)[:0]
		}
		k := min(len(p), z.chunk-len(*z.buf))
		*z.buf = append(*z.buf, p[:k]...)
		p = p[k:]
		if len(*z.buf) == z.chunk {
			z.submit()
		}
	}
	if z.err != nil {
		return 0, z.err
	}
	return n, nil
}

// submit starts compressing the current chunk, first writing out the
// oldest ones if too many are in flight.
func (z *parallelDeflate) submit() {
	for len(z.pending) >= z.limit && z.err == nil {
		z.writeOldest()
	}
	chunk := z.buf
	z.buf = nil
	done := make(chan deflated, 1)
	z.pending = append(z.pending, done)
	go func() {
		out := deflateBuffers.Get().(*bytes.Buffer)
		out.Reset()
		w := flateWriters.Get().(*flate.Writer)
		w.Reset(out)
		_, err := w.Write(*chunk)
		if err == nil {
			err = w.Flush()
		}
		flateWriters.Put(w)
		chunkBuffers.Put(chunk)
		done <- deflated{data: out, err: err}
	}()
}

// writeOldest waits for the oldest chunk in flight and writes it out.
func (z *parallelDeflate) writeOldest() {
	d := <-z.pending[0]
	z.pending = z.pending[1:]
	if d.err != nil && z.err == nil {
		z.err = d.err
	}
	if z.err == nil {
		_, z.err = z.out.Write(d.data.Bytes())
	}
	deflateBuffers.Put(d.data)
}

// Close compresses what is left, writes every chunk in order, then the
// final block.
func (z *parallelDeflate) Close() error {
	if z.buf != nil && len(*z.buf) > 0 && z.err == nil {
		z.submit()
	}
	for len(z.pending) > 0 {
		z.writeOldest()
	}
	if z.err != nil {
		return z.err
	}
	w := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(w)
	w.Reset(z.out)
	return w.Close() // an empty final block
}
