package synth

import (
	"math/bits"
	"math/rand/v2"
)

// Stream tags keep the random streams of the generator apart, so that
// adding a draw to one never shifts the values of another.
const (
	streamApplicant uint64 = 0x6170706c6963616e // "applican"
	streamCategory  uint64 = 0x63617465676f7279 // "category"
	streamCIN       uint64 = 0x636e69636e69636e
	streamPhone     uint64 = 0x70686f6e6570686f
	streamEmail     uint64 = 0x656d61696c656d61
	streamInvite    uint64 = 0x696e76697465696e
	streamTraining  uint64 = 0x747261696e696e67 // "training"
	streamDocument  uint64 = 0x646f63756d656e74 // "document"
)

// mix64 is the finalizer of SplitMix64: a bijection of uint64 that
// spreads every input bit over the output.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// rng draws numbers from a PCG source. It uses only Uint64, whose
// sequence math/rand/v2 specifies, and derives ranges itself, so that the
// data set does not change with the Go release.
type rng struct {
	src rand.PCG
}

// reseed points r at the stream of one item (an applicant, a province).
func (r *rng) reseed(seed, stream, item uint64) {
	r.src.Seed(mix64(seed^stream), mix64(item+stream))
}

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.src.Uint64(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int {
	return lo + r.intn(hi-lo+1)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 {
	return float64(r.src.Uint64()>>11) / (1 << 53)
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool {
	return r.float() < p
}

// weights is a table of integer weights, kept cumulated for drawing.
type weights struct {
	cum []int
}

// newWeights cumulates w; every weight must be positive or zero, and one
// at least positive.
func newWeights(w ...int) weights {
	cum := make([]int, len(w))
	total := 0
	for i, x := range w {
		total += x
		cum[i] = total
	}
	return weights{cum: cum}
}

// pick returns an index drawn with the table's weights.
func (r *rng) pick(w weights) int {
	x := r.intn(w.cum[len(w.cum)-1])
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if x < w.cum[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// sumOf returns the sum of k draws in [0, m]: a bell-shaped integer
// (integer arithmetic only, so that every platform gets the same value).
func (r *rng) sumOf(k, m int) int {
	s := 0
	for range k {
		s += r.intn(m + 1)
	}
	return s
}

// permutation is a keyed bijection of [0, n): a four-round Feistel
// network over the smallest even number of bits that holds n, walked
// until it lands inside the range. It turns a counter into scattered but
// never repeated numbers (CIN, phone, e-mail suffix).
type permutation struct {
	n    uint64
	half uint
	mask uint64
	keys [4]uint64
}

func newPermutation(n, key uint64) permutation {
	b := uint(2)
	for b < 64 && uint64(1)<<b < n {
		b += 2
	}
	p := permutation{n: n, half: b / 2, mask: uint64(1)<<(b/2) - 1}
	for i := range p.keys {
		p.keys[i] = mix64(key + uint64(i+1)*0x9e3779b97f4a7c15)
	}
	return p
}

// apply maps x, which must be below n, to its image, also below n.
func (p permutation) apply(x uint64) uint64 {
	if p.n <= 1 {
		return x
	}
	for {
		x = p.round(x)
		if x < p.n {
			return x
		}
	}
}

func (p permutation) round(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	for _, k := range p.keys {
		l, r = r, l^(mix64(r^k)&p.mask)
	}
	return l<<p.half | r
}
