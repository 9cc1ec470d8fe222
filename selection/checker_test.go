package selection_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"intiqa/selection"
)

// This checker is written apart from the engine: it recomputes
// eligibility, quotas and priorities from the rules, and looks for
// blocking pairs by brute force. It returns "" when the outcomes hold.

type prio struct {
	score   selection.Score
	lottery uint64
	id      string
}

// above reports whether p has priority over q.
func (p prio) above(q prio) bool {
	if p.score != q.score {
		return p.score > q.score
	}
	if p.lottery != q.lottery {
		return p.lottery < q.lottery
	}
	return p.id < q.id
}

func checkPreselection(in selection.PreselectInput, outs []selection.Outcome) string {
	r := in.Rules
	needs := map[string]selection.Need{}
	for _, n := range in.Needs {
		needs[n.CommuneCode] = n
	}
	ceil := func(m selection.Multiplier, n int) int { return (int(m)*n + 99) / 100 }
	byID := map[string]selection.Outcome{}
	for _, o := range outs {
		byID[o.ApplicantID] = o
	}
	if len(byID) != len(in.Applicants) || len(outs) != len(in.Applicants) {
		return fmt.Sprintf("%d outcomes for %d applicants", len(outs), len(in.Applicants))
	}
	prioAt := func(a *selection.Applicant, c string) prio {
		return prio{r.MeritBreakdown(a, needs[c].Languages).Total, selection.Lottery(in.Seed, a.ID), a.ID}
	}
	held := map[selection.Status]map[string][]*selection.Applicant{
		selection.StatusInvited: {}, selection.StatusWaiting: {},
	}
	eligible := map[string]bool{}
	for _, a := range in.Applicants {
		o := byID[a.ID]
		age := a.AgeOn(r.RefDate())
		exempt := slices.Contains(r.Eligibility.EducationExempt, a.Category)
		eligible[a.ID] = age >= r.Eligibility.MinAge &&
			(exempt || a.Education.Years() >= r.Eligibility.MinHigherEducationYears)
		if (o.Status == selection.StatusIneligible) == eligible[a.ID] {
			return fmt.Sprintf("%s: status %s but eligible=%v", a.ID, o.Status, eligible[a.ID])
		}
		if o.Status == selection.StatusInvited || o.Status == selection.StatusWaiting {
			if !slices.Contains(a.Choices, o.CommuneCode) {
				return fmt.Sprintf("%s: placed in %s, which it did not choose", a.ID, o.CommuneCode)
			}
			if got, want := int(o.Score*100+0.5), int(prioAt(a, o.CommuneCode).score); got != want {
				return fmt.Sprintf("%s: score %d, want %d", a.ID, got, want)
			}
			held[o.Status][o.CommuneCode] = append(held[o.Status][o.CommuneCode], a)
		}
	}
	for c, list := range held[selection.StatusInvited] {
		if q := ceil(r.Preselection.QuotaMultiplier, needs[c].Total()); len(list) > q {
			return fmt.Sprintf("commune %s invited %d, quota %d", c, len(list), q)
		}
	}
	for c, list := range held[selection.StatusWaiting] {
		if q := ceil(r.Preselection.WaitingListMultiplier, needs[c].Total()); len(list) > q {
			return fmt.Sprintf("commune %s waits %d, list length %d", c, len(list), q)
		}
	}
	for _, st := range []selection.Status{selection.StatusInvited, selection.StatusWaiting} {
		if msg := checkRanks(byID, held[st], prioAt); msg != "" {
			return msg
		}
	}
	if msg := findBlockingPair(in, byID, eligible, held[selection.StatusInvited],
		selection.StatusInvited, r.Preselection.QuotaMultiplier, prioAt, nil); msg != "" {
		return msg
	}
	notInvited := func(a *selection.Applicant) bool { return byID[a.ID].Status != selection.StatusInvited }
	return findBlockingPair(in, byID, eligible, held[selection.StatusWaiting],
		selection.StatusWaiting, r.Preselection.WaitingListMultiplier, prioAt, notInvited)
}

// checkRanks requires each commune's list to be ranked 1..n in strictly
// decreasing priority: equal scores ordered by the lottery alone.
func checkRanks(byID map[string]selection.Outcome, lists map[string][]*selection.Applicant,
	prioAt func(*selection.Applicant, string) prio) string {
	for c, list := range lists {
		sorted := slices.Clone(list)
		sort.Slice(sorted, func(i, j int) bool { return byID[sorted[i].ID].Rank < byID[sorted[j].ID].Rank })
		for i, a := range sorted {
			if byID[a.ID].Rank != i+1 {
				return fmt.Sprintf("commune %s: ranks are not 1..%d", c, len(sorted))
			}
			if i > 0 && !prioAt(sorted[i-1], c).above(prioAt(a, c)) {
				return fmt.Sprintf("commune %s: %s ranked above %s without priority", c,
					sorted[i-1].ID, a.ID)
			}
		}
	}
	return ""
}

// findBlockingPair looks for an eligible applicant (among those in the
// round, when inRound is given) and a commune it chose before the one it
// holds, which has a free place or holds someone of lower priority.
func findBlockingPair(in selection.PreselectInput, byID map[string]selection.Outcome,
	eligible map[string]bool, lists map[string][]*selection.Applicant, status selection.Status,
	mult selection.Multiplier, prioAt func(*selection.Applicant, string) prio,
	inRound func(*selection.Applicant) bool) string {
	needs := map[string]selection.Need{}
	for _, n := range in.Needs {
		needs[n.CommuneCode] = n
	}
	for _, a := range in.Applicants {
		if !eligible[a.ID] || (inRound != nil && !inRound(a)) {
			continue
		}
		o := byID[a.ID]
		upTo := len(a.Choices)
		if o.Status == status {
			upTo = slices.Index(a.Choices, o.CommuneCode)
		}
		for _, c := range a.Choices[:upTo] {
			n, ok := needs[c]
			capacity := (int(mult)*n.Total() + 99) / 100
			if !ok || capacity == 0 {
				continue
			}
			if len(lists[c]) < capacity {
				return fmt.Sprintf("%s (%s) prefers %s, which has a free place", a.ID, status, c)
			}
			for _, b := range lists[c] {
				if prioAt(a, c).above(prioAt(b, c)) {
					return fmt.Sprintf("blocking pair: %s prefers %s, which holds %s of lower priority",
						a.ID, c, b.ID)
				}
			}
		}
	}
	return ""
}

// TestCheckerCatchesBrokenResults shows the checker can fail: each
// corruption of a correct result must be reported.
func TestCheckerCatchesBrokenResults(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	corruptions := map[string]func(outs []selection.Outcome) bool{
		"InviteAnOutsider": func(outs []selection.Outcome) bool {
			for i := range outs {
				if outs[i].Status == selection.StatusNotInvited {
					for j := range outs {
						if outs[j].Status == selection.StatusInvited {
							outs[i].Status, outs[i].CommuneCode = selection.StatusInvited, outs[j].CommuneCode
							return true
						}
					}
				}
			}
			return false
		},
		"DropAnInvitation": func(outs []selection.Outcome) bool {
			for i := range outs {
				if outs[i].Status == selection.StatusInvited {
					outs[i].Status, outs[i].CommuneCode, outs[i].Rank = selection.StatusNotInvited, "", 0
					return true
				}
			}
			return false
		},
		"SwapRanks": func(outs []selection.Outcome) bool {
			for i := range outs {
				for j := range outs {
					if i != j && outs[i].Status == selection.StatusInvited && outs[j].Status == selection.StatusInvited &&
						outs[i].CommuneCode == outs[j].CommuneCode {
						outs[i].Rank, outs[j].Rank = outs[j].Rank, outs[i].Rank
						return true
					}
				}
			}
			return false
		},
	}
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			tried := 0
			for range 200 {
				in := randomInstance(r)
				p, err := selection.Preselect(in)
				if err != nil {
					t.Fatal(err)
				}
				outs := slices.Clone(p.Outcomes)
				if !corrupt(outs) {
					continue
				}
				tried++
				if checkPreselection(in, outs) == "" {
					t.Fatalf("corrupted result passed the checker")
				}
			}
			if tried == 0 {
				t.Fatal("no instance could be corrupted")
			}
		})
	}
}
