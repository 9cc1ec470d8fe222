package synth

import (
	"errors"
	"sort"
)

// errApportion reports figures that cannot be split as asked.
var errApportion = errors.New("cannot apportion")

// apportion splits total into parts proportional to weights by the
// largest remainder method; the parts add up to total exactly. Equal
// remainders go to the lower index, so the split is deterministic.
func apportion(total int, weights []int64) []int {
	parts := make([]int, len(weights))
	var sum int64
	for _, w := range weights {
		sum += w
	}
	if sum <= 0 || total <= 0 {
		return parts
	}
	rems := make([]int64, len(weights))
	given := 0
	for i, w := range weights {
		q := int64(total) * w
		parts[i] = int(q / sum)
		rems[i] = q % sum
		given += parts[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]] > rems[order[b]] })
	for k := 0; given < total; k++ {
		parts[order[k%len(order)]]++
		given++
	}
	return parts
}

// apportionAtLeastOne splits total like apportion, but gives every part
// at least one; it fails when total is smaller than the number of parts.
// The parts that gained from the minimum give back first.
func apportionAtLeastOne(total int, weights []int64) ([]int, error) {
	n := len(weights)
	if total < n {
		return nil, errApportion
	}
	var sum int64
	for _, w := range weights {
		sum += w
	}
	if sum <= 0 {
		sum, weights = int64(n), ones(n)
	}

	// Floors, raised to one.
	parts := make([]int, n)
	given := 0
	for i, w := range weights {
		parts[i] = max(1, int(int64(total)*w/sum))
		given += parts[i]
	}

	// Settle the difference one post at a time, where the exact quota is
	// farthest from the part (remainders compared as total*w - part*sum).
	gap := func(i int) int64 { return int64(total)*weights[i] - int64(parts[i])*sum }
	for given != total {
		best := -1
		for i := range parts {
			switch {
			case given < total && (best < 0 || gap(i) > gap(best)):
				best = i
			case given > total && parts[i] > 1 && (best < 0 || gap(i) < gap(best)):
				best = i
			}
		}
		if given < total {
			parts[best]++
			given++
		} else {
			parts[best]--
			given--
		}
	}
	return parts, nil
}

func ones(n int) []int64 {
	w := make([]int64, n)
	for i := range w {
		w[i] = 1
	}
	return w
}
