package selection

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reasons a pre-selection gives to invited and waiting applicants: the
// rank of the choice they obtained.
const (
	ReasonChoice1 = "choice_1"
	ReasonChoice2 = "choice_2"
	ReasonChoice3 = "choice_3"
)

// rankLists numbers each commune's invited and waiting applicants by
// priority, from 1.
func (p *Preselection) rankLists() {
	m := p.m
	p.position = make([]int32, len(m.ids))
	for _, held := range [][]int32{p.invited, p.waiting} {
		lists := make([][]int32, len(m.communes))
		for a, c := range held {
			if c >= 0 {
				lists[c] = append(lists[c], int32(a))
			}
		}
		for _, l := range lists {
			slices.SortFunc(l, func(a, b int32) int {
				if m.better(a, m.scoreAt(a, held[a]), b, m.scoreAt(b, held[b])) {
					return -1
				}
				return 1
			})
			for r, a := range l {
				p.position[a] = int32(r + 1)
			}
		}
	}
}

// scoreAt returns applicant a's score at commune c, one of its choices.
func (m *market) scoreAt(a, c int32) Score {
	for k, x := range m.prefs[a] {
		if x == c {
			return m.scores[a][k]
		}
	}
	return 0
}

// choiceRank returns the position (0-based) of commune c in a's choices.
func (m *market) choiceRank(a, c int32) int {
	code := m.communes[c]
	return slices.Index(m.apps[a].Choices, code)
}

func (p *Preselection) buildOutcomes() {
	m := p.m
	p.Outcomes = make([]Outcome, len(m.ids))
	for i := range m.ids {
		a := int32(i)
		o := Outcome{ApplicantID: m.ids[i], Lottery: m.lottery[i]}
		switch {
		case !m.eligible[i]:
			o.Status, o.Reason = StatusIneligible, m.reason[i]
			o.Score = p.firstScore(a).Float()
		case p.invited[i] >= 0:
			c := p.invited[i]
			o.Status, o.CommuneCode, o.Rank = StatusInvited, m.communes[c], int(p.position[i])
			o.Score, o.Reason = m.scoreAt(a, c).Float(), ChoiceField(m.choiceRank(a, c))
		case p.waiting[i] >= 0:
			c := p.waiting[i]
			o.Status, o.CommuneCode, o.Rank = StatusWaiting, m.communes[c], int(p.position[i])
			o.Score, o.Reason = m.scoreAt(a, c).Float(), ChoiceField(m.choiceRank(a, c))
		default:
			o.Status, o.Reason = StatusNotInvited, ReasonOutranked
			if m.prefs[i][0] < 0 {
				o.Reason = ReasonNoCommune
			}
			o.Score = p.firstScore(a).Float()
		}
		p.Outcomes[i] = o
	}
}

// firstScore is the score at the first choice that has posts, or, when
// none has, the score with no language requirement.
func (p *Preselection) firstScore(a int32) Score {
	if p.m.prefs[a][0] >= 0 {
		return p.m.scores[a][0]
	}
	return p.in.Rules.MeritScore(p.m.apps[a], nil)
}

// record fills the run record: rules, parameters, seed and hashes.
func (p *Preselection) record(inputHash string) Run {
	r := p.in.Rules
	return Run{
		Kind: RunPreselection, RulesVersion: r.Version, RulesHash: r.Hash(), Seed: p.in.Seed,
		Params: map[string]string{
			"quota_multiplier":        multiplierText(r.Preselection.QuotaMultiplier),
			"waiting_list_multiplier": multiplierText(r.Preselection.WaitingListMultiplier),
			"applicants":              strconv.Itoa(len(p.m.ids)),
			"communes":                strconv.Itoa(len(p.m.communes)),
		},
		InputHash:  inputHash,
		OutputHash: OutcomesHash(p.Outcomes),
	}
}

func multiplierText(m Multiplier) string {
	b, _ := m.MarshalJSON()
	return string(b)
}

// canonWriter hashes records written as tab-separated lines, through a
// buffer: a national run writes about a million lines.
type canonWriter struct {
	h   hash.Hash
	buf []byte
}

func newCanonWriter() *canonWriter {
	return &canonWriter{h: sha256.New(), buf: make([]byte, 0, 64<<10)}
}

// field appends a tab, then s; the first field of a line has no tab.
func (w *canonWriter) field(s string) {
	if n := len(w.buf); n > 0 && w.buf[n-1] != '\n' {
		w.buf = append(w.buf, '\t')
	}
	w.buf = append(w.buf, s...)
}

func (w *canonWriter) num(n int64) {
	w.field("")
	w.buf = strconv.AppendInt(w.buf, n, 10)
}

// list appends the items joined by ";" as one field.
func (w *canonWriter) list(items []string) {
	w.field("")
	for i, it := range items {
		if i > 0 {
			w.buf = append(w.buf, ';')
		}
		w.buf = append(w.buf, it...)
	}
}

func (w *canonWriter) languages(ls []Language) {
	w.field("")
	for i, l := range ls {
		if i > 0 {
			w.buf = append(w.buf, ';')
		}
		w.buf = append(w.buf, l...)
	}
}

// end closes the line, and hands the buffer to the hash when it is full.
func (w *canonWriter) end() {
	w.buf = append(w.buf, '\n')
	if len(w.buf) > 60<<10 {
		w.h.Write(w.buf)
		w.buf = w.buf[:0]
	}
}

func (w *canonWriter) sum() string {
	w.h.Write(w.buf)
	return hex.EncodeToString(w.h.Sum(nil))
}

// canonicalInputHash hashes what the selection depends on, one record a
// line, sorted: the rules' hash, the seed, the needs by commune, and the
// applicants by ID with only the fields the rules read.
func canonicalInputHash(r *Rules, seed string, m *market) string {
	w := newCanonWriter()
	w.field("intiqa-preselection/1")
	w.end()
	w.field("rules")
	w.field(r.Hash())
	w.end()
	w.field("seed")
	w.field(strconv.Quote(seed))
	w.end()
	for _, n := range m.needs {
		w.field("need")
		w.field(n.CommuneCode)
		w.num(int64(n.Enumerators))
		w.num(int64(n.Controllers))
		w.languages(n.Languages)
		w.end()
	}
	for _, a := range m.apps {
		w.field("applicant")
		w.field(a.ID)
		w.field("")
		w.buf = a.BirthDate.AppendFormat(w.buf, time.DateOnly)
		w.field(string(a.Category))
		w.field(string(a.Education))
		w.field(string(a.SurveyExperience))
		w.field(string(a.TechSkill))
		w.languages(a.Languages)
		w.list(a.Choices)
		w.end()
	}
	return w.sum()
}

// outcome writes one outcome as the line the output hash reads.
func (w *canonWriter) outcome(o *Outcome) {
	w.field("outcome")
	w.field(o.ApplicantID)
	w.field(string(o.Status))
	w.field(o.CommuneCode)
	w.num(int64(o.Rank))
	w.field("")
	w.buf = scoreOf(o.Score).append(w.buf)
	w.field("")
	w.buf = strconv.AppendUint(w.buf, o.Lottery, 10)
	w.field(o.Reason)
	w.end()
}

// scoreOf turns an outcome's score back into exact hundredths.
func scoreOf(f float64) Score { return Score(f*100 + 0.5) }

// OutcomesHash returns the SHA-256 of outcomes in canonical form, sorted
// by applicant ID.
func OutcomesHash(outcomes []Outcome) string {
	byID := func(a, b Outcome) int { return strings.Compare(a.ApplicantID, b.ApplicantID) }
	if !slices.IsSortedFunc(outcomes, byID) {
		outcomes = slices.Clone(outcomes)
		slices.SortFunc(outcomes, byID)
	}
	w := newCanonWriter()
	for i := range outcomes {
		w.outcome(&outcomes[i])
	}
	return w.sum()
}

// Difference is the first place where a result differs from a rerun.
type Difference struct {
	ApplicantID string
	Field       string
	Got, Want   string // Got from the result checked, Want from the rerun
}

func (d *Difference) Error() string {
	return fmt.Sprintf("candidat %s : %s vaut « %s », la réexécution donne « %s »",
		d.ApplicantID, d.Field, d.Got, d.Want)
}

// VerifyPreselection reruns a pre-selection from its input and compares
// the outcomes given; it returns nil on a match, or the first difference
// in applicant ID order.
func VerifyPreselection(in PreselectInput, got []Outcome) (*Difference, error) {
	p, err := Preselect(in)
	if err != nil {
		return nil, err
	}
	return p.Compare(got), nil
}

// Compare returns the first difference, in applicant ID order, between
// outcomes got (read from a published result, say) and p's; nil when
// they are the same.
func (p *Preselection) Compare(got []Outcome) *Difference {
	byID := make(map[string]*Outcome, len(got))
	for i := range got {
		byID[got[i].ApplicantID] = &got[i]
	}
	for i := range p.Outcomes {
		want := &p.Outcomes[i]
		g, ok := byID[want.ApplicantID]
		if !ok {
			return &Difference{want.ApplicantID, "applicant_id", "(absent)", want.ApplicantID}
		}
		if d := compareOutcome(g, want); d != nil {
			return d
		}
		delete(byID, want.ApplicantID)
	}
	if len(byID) > 0 {
		extra := slices.Sorted(maps.Keys(byID))
		return &Difference{extra[0], "applicant_id", extra[0], "(absent des données)"}
	}
	return nil
}

func compareOutcome(got, want *Outcome) *Difference {
	fields := []struct{ name, got, want string }{
		{"status", string(got.Status), string(want.Status)},
		{"commune_code", got.CommuneCode, want.CommuneCode},
		{"rank", strconv.Itoa(got.Rank), strconv.Itoa(want.Rank)},
		{"merit_score", scoreOf(got.Score).String(), scoreOf(want.Score).String()},
		{"lottery", strconv.FormatUint(got.Lottery, 10), strconv.FormatUint(want.Lottery, 10)},
		{"reason", got.Reason, want.Reason},
	}
	for _, f := range fields {
		if f.got != f.want {
			return &Difference{want.ApplicantID, f.name, f.got, f.want}
		}
	}
	return nil
}
