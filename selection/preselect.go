package selection

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// PreselectInput is everything a pre-selection depends on. Nothing else
// (time, input order, map order) changes its result.
type PreselectInput struct {
	Rules      *Rules
	Seed       string
	Applicants []*Applicant
	Needs      []Need
}

// Preselection is the result of a pre-selection run: an outcome for every
// applicant, by ID, and what an explanation needs.
type Preselection struct {
	Run      Run
	Outcomes []Outcome // one per applicant, ordered by ID

	in       PreselectInput
	m        *market
	invited  []int32   // per applicant (ID order): commune index, or -1
	waiting  []int32   // per applicant: commune index of its waiting list, or -1
	position []int32   // per applicant: rank in its commune's invited or waiting list
	ranks    [][]int32 // per commune: eligible choosers in priority order, built by Explain
	cutoffs  []Score   // per commune: score of the last invited when full, else -1
}

// Lottery returns the tie-break number of an applicant under a seed: the
// first eight bytes, big-endian, of SHA-256(seed, 0x00, applicant ID).
// The lower number wins a tie.
func Lottery(seed, applicantID string) uint64 {
	h := sha256.New()
	h.Write([]byte(seed))
	h.Write([]byte{0})
	h.Write([]byte(applicantID))
	var sum [sha256.Size]byte
	return binary.BigEndian.Uint64(h.Sum(sum[:0]))
}

// market is the pre-selection's compact view of its input: applicants in
// ID order with their preferences and scores as flat arrays, communes
// with their quotas.
type market struct {
	ids      []string
	apps     []*Applicant
	eligible []bool
	reason   []string
	lottery  []uint64
	prefs    [][MaxChoices]int32 // commune indices in order of preference, -1 past the end
	scores   [][MaxChoices]Score // score at each preferred commune
	communes []string            // commune codes, sorted
	needs    []Need              // by commune index
	quota    []int32
	wlen     []int32 // waiting-list lengths
}

// Preselect runs the national (or a province's) pre-selection: eligible
// applicants are placed by applicant-proposing deferred acceptance over
// their ranked choices, each commune taking up to its quota by merit
// score, ties broken by the lottery. Those left out then fill the
// waiting lists by the same procedure. The result is stable and depends
// only on the input's content.
func Preselect(in PreselectInput) (*Preselection, error) {
	m, err := newMarket(in)
	if err != nil {
		return nil, err
	}
	inputHash := make(chan string, 1) // hashed on the other core meanwhile
	go func() { inputHash <- canonicalInputHash(in.Rules, in.Seed, m) }()
	all := make([]int32, len(m.ids))
	for i := range all {
		all[i] = int32(i)
	}
	invited := m.deferredAcceptance(m.eligibleOf(all), m.quota)
	var rest []int32
	for i, c := range invited {
		if c < 0 && m.eligible[i] {
			rest = append(rest, int32(i))
		}
	}
	waiting := m.deferredAcceptance(rest, m.wlen)
	p := &Preselection{in: in, m: m, invited: invited, waiting: waiting}
	p.rankLists()
	p.buildOutcomes()
	p.Run = p.record(<-inputHash)
	return p, nil
}

// newMarket sorts and indexes the input, and computes eligibility,
// lotteries and scores.
func newMarket(in PreselectInput) (*market, error) {
	if in.Rules == nil {
		return nil, fmt.Errorf("preselect: no rules")
	}
	apps := in.Applicants
	byID := func(a, b *Applicant) int { return strings.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(apps, byID) {
		apps = slices.Clone(apps)
		slices.SortFunc(apps, byID)
	}
	for i := 1; i < len(apps); i++ {
		if apps[i].ID == apps[i-1].ID {
			return nil, fmt.Errorf("preselect: applicant %s appears twice", apps[i].ID)
		}
	}
	needs := slices.Clone(in.Needs)
	slices.SortFunc(needs, func(a, b Need) int { return strings.Compare(a.CommuneCode, b.CommuneCode) })
	m := &market{apps: apps, needs: needs}
	idx := make(map[string]int32, len(needs))
	for i, n := range needs {
		if _, dup := idx[n.CommuneCode]; dup {
			return nil, fmt.Errorf("preselect: needs of commune %s appear twice", n.CommuneCode)
		}
		idx[n.CommuneCode] = int32(i)
		m.communes = append(m.communes, n.CommuneCode)
		m.quota = append(m.quota, int32(in.Rules.Preselection.QuotaMultiplier.Of(n.Total())))
		m.wlen = append(m.wlen, int32(in.Rules.Preselection.WaitingListMultiplier.Of(n.Total())))
	}
	m.fillApplicants(in, idx)
	return m, nil
}

func (m *market) fillApplicants(in PreselectInput, idx map[string]int32) {
	n := len(m.apps)
	m.ids = make([]string, n)
	m.eligible = make([]bool, n)
	m.reason = make([]string, n)
	m.lottery = make([]uint64, n)
	m.prefs = make([][MaxChoices]int32, n)
	m.scores = make([][MaxChoices]Score, n)
	merit := in.Rules.merit
	for i, a := range m.apps {
		m.ids[i] = a.ID
		m.eligible[i], m.reason[i] = in.Rules.Eligible(a)
		m.lottery[i] = Lottery(in.Seed, a.ID)
		base := merit.base(a)
		k := 0
		for _, code := range a.Choices {
			c, ok := idx[code]
			if !ok || m.quota[c]+m.wlen[c] == 0 || k == MaxChoices {
				continue // a commune with no posts takes nobody
			}
			m.prefs[i][k] = c
			m.scores[i][k] = base + merit.language(a, m.needs[c].Languages)
			k++
		}
		for ; k < MaxChoices; k++ {
			m.prefs[i][k] = -1
		}
	}
}

func (m *market) eligibleOf(ids []int32) []int32 {
	out := make([]int32, 0, len(ids))
	for _, i := range ids {
		if m.eligible[i] {
			out = append(out, i)
		}
	}
	return out
}

// better reports whether applicant a, with score sa at a commune, has
// priority there over applicant b with score sb.
func (m *market) better(a int32, sa Score, b int32, sb Score) bool {
	if sa != sb {
		return sa > sb
	}
	if m.lottery[a] != m.lottery[b] {
		return m.lottery[a] < m.lottery[b]
	}
	return m.ids[a] < m.ids[b] // two equal lotteries: a SHA-256 collision
}

// deferredAcceptance places the proposers with applicant-proposing
// deferred acceptance under the given capacities and returns, for every
// applicant of the market, the commune index it holds or -1.
func (m *market) deferredAcceptance(proposers []int32, capacity []int32) []int32 {
	held := make([]int32, len(m.ids))
	for i := range held {
		held[i] = -1
	}
	next := make([]int8, len(m.ids)) // next preference to propose to
	at := make([]int8, len(m.ids))   // preference index of the commune held
	heaps := make([]worstHeap, len(m.communes))
	for c := range heaps {
		heaps[c] = worstHeap{m: m, at: at}
	}
	free := slices.Clone(proposers)
	slices.Reverse(free) // pop from the end in ID order; the result does not depend on it
	for len(free) > 0 {
		a := free[len(free)-1]
		free = free[:len(free)-1]
		k := next[a]
		if int(k) == MaxChoices || m.prefs[a][k] < 0 {
			continue // no commune left to ask: stays out
		}
		next[a]++
		c := m.prefs[a][k]
		h := &heaps[c]
		if int32(len(h.items)) < capacity[c] {
			at[a], held[a] = k, c
			h.push(a)
			continue
		}
		if len(h.items) == 0 {
			free = append(free, a)
			continue
		}
		w := h.items[0]
		if m.better(a, m.scores[a][k], w, m.scores[w][at[w]]) {
			h.pop()
			held[w] = -1
			free = append(free, w)
			at[a], held[a] = k, c
			h.push(a)
		} else {
			free = append(free, a)
		}
	}
	return held
}

// worstHeap holds a commune's tentatively accepted applicants with the
// one of lowest priority on top.
type worstHeap struct {
	m     *market
	at    []int8
	items []int32
}

// lower reports whether item i has lower priority than item j.
func (h *worstHeap) lower(i, j int) bool {
	a, b := h.items[i], h.items[j]
	return h.m.better(b, h.m.scores[b][h.at[b]], a, h.m.scores[a][h.at[a]])
}

func (h *worstHeap) push(a int32) {
	h.items = append(h.items, a)
	for i := len(h.items) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.lower(i, p) {
			break
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *worstHeap) pop() int32 {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	for i := 0; ; {
		l, r, low := 2*i+1, 2*i+2, i
		if l < last && h.lower(l, low) {
			low = l
		}
		if r < last && h.lower(r, low) {
			low = r
		}
		if low == i {
			break
		}
		h.items[i], h.items[low] = h.items[low], h.items[i]
		i = low
	}
	return top
}
