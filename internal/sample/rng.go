package sample

import (
	"math/bits"
	"math/rand/v2"
)

// rng draws integers from a fixed-seed PCG. It bounds numbers itself, rather
// than through rand.Rand, so that the output depends only on the PCG
// algorithm; generators stay in integers so that no platform's floating-point
// rounding can change a row.
type rng struct {
	src *rand.PCG
}

func newRNG(seed uint64) rng {
	return rng{src: rand.NewPCG(seed, 0x9e3779b97f4a7c15)}
}

// intn returns a number in [0, n); n must be positive. The bias of the
// multiply-shift is below n/2^64 and does not matter here.
func (r rng) intn(n int) int {
	hi, _ := bits.Mul64(r.src.Uint64(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r rng) between(lo, hi int) int {
	return lo + r.intn(hi-lo+1)
}

// chance reports true with probability pct/100.
func (r rng) chance(pct int) bool {
	return r.intn(100) < pct
}

// letter returns an uppercase ASCII letter.
func (r rng) letter() byte {
	return byte('A' + r.intn(26))
}

// weights picks indexes with probability proportional to integer weights.
// A zero weight is never picked. It inverts the cumulative weights, starting
// from a guide table so that a pick costs a step or two, not a search.
type weights struct {
	cum   []int
	total int
	// guide[b] is the first index whose cumulative weight exceeds the
	// lowest draw that falls in bucket b.
	guide []int
}

func newWeights(w []int) weights {
	cum := make([]int, len(w))
	total := 0
	for i, x := range w {
		total += x
		cum[i] = total
	}
	guide := make([]int, 2*len(w))
	i := 0
	for b := range guide {
		low := b * total / len(guide)
		for cum[i] <= low {
			i++
		}
		guide[b] = i
	}
	return weights{cum: cum, total: total, guide: guide}
}

func (w weights) pick(r rng) int {
	x := r.intn(w.total)
	i := w.guide[x*len(w.guide)/w.total]
	for w.cum[i] <= x {
		i++
	}
	return i
}

// choice is one outcome of a weighted draw among a few values.
type choice[T any] struct {
	weight int
	value  T
}

// pickChoice draws one of cs by weight.
func pickChoice[T any](r rng, cs []choice[T]) T {
	total := 0
	for _, c := range cs {
		total += c.weight
	}
	x := r.intn(total)
	for _, c := range cs {
		if x < c.weight {
			return c.value
		}
		x -= c.weight
	}
	return cs[len(cs)-1].value
}
