package selection

import (
	"fmt"
	"slices"
)

// Withdraw records that a selected candidate drops out and promotes a
// replacement for the same post: the best waiting-list candidate of the
// same commune who may take the role. When that list has none, it looks
// at the waiting lists of the province's other communes, among the
// candidates who chose this commune: first those who chose it earliest
// in their order of choice, then by composite score and lottery. The
// promotion is recorded, with an empty Promoted when nobody could be.
func (f *FinalSelection) Withdraw(applicantID, reason string) (Promotion, error) {
	i, ok := f.byID[applicantID]
	if !ok {
		return Promotion{}, fmt.Errorf("withdraw %s: %w", applicantID, ErrNotFound)
	}
	o := &f.Outcomes[i]
	if o.Status != StatusSelected {
		return Promotion{}, fmt.Errorf("withdraw %s: not selected (%s)", applicantID, o.Status)
	}
	p := Promotion{Withdrawn: applicantID, CommuneCode: o.CommuneCode, Role: o.Role, Reason: reason}
	rank := o.Rank
	o.Status, o.Reason = StatusWithdrawn, reason

	if next := f.bestWaiting(o.CommuneCode, o.Role); next >= 0 {
		p.Promoted, p.From = f.Outcomes[next].ApplicantID, o.CommuneCode
	} else if next := f.bestElsewhere(o.CommuneCode, o.Role); next >= 0 {
		p.Promoted, p.From = f.Outcomes[next].ApplicantID, f.Outcomes[next].CommuneCode
	}
	if p.Promoted != "" {
		f.promote(f.byID[p.Promoted], o.CommuneCode, o.Role, rank)
	}
	f.Promotions = append(f.Promotions, p)
	f.Run.OutputHash = OutcomesHash(f.Outcomes)
	return p, nil
}

// bestWaiting returns the outcome index of the first candidate on
// commune's waiting list who may take role, or -1.
func (f *FinalSelection) bestWaiting(commune string, role Role) int {
	best := -1
	for i, o := range f.Outcomes {
		if o.Status != StatusWaiting || o.CommuneCode != commune || !f.fits(o.ApplicantID, role) {
			continue
		}
		if best < 0 || o.Rank < f.Outcomes[best].Rank {
			best = i
		}
	}
	return best
}

// bestElsewhere returns the outcome index of the best candidate waiting
// in another commune of the same province who chose commune, or -1.
func (f *FinalSelection) bestElsewhere(commune string, role Role) int {
	province := ProvinceOfCommune(commune)
	best, bestChoice := -1, MaxChoices
	for i, o := range f.Outcomes {
		if o.Status != StatusWaiting || o.CommuneCode == commune ||
			ProvinceOfCommune(o.CommuneCode) != province || !f.fits(o.ApplicantID, role) {
			continue
		}
		k := slices.Index(f.cands[o.ApplicantID].Applicant.Choices, commune)
		if k < 0 {
			continue
		}
		if best < 0 || k < bestChoice || (k == bestChoice && f.ahead(o, f.Outcomes[best])) {
			best, bestChoice = i, k
		}
	}
	return best
}

// ahead orders waiting candidates of different communes: higher composite
// score, then lower lottery.
func (f *FinalSelection) ahead(a, b Outcome) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Lottery < b.Lottery
}

func (f *FinalSelection) fits(id string, role Role) bool {
	return role != RoleController || f.in.Rules.MeetsController(f.cands[id].Applicant)
}

// promote gives the post to the candidate at index i and closes the gap
// it leaves in its waiting list.
func (f *FinalSelection) promote(i int, commune string, role Role, rank int) {
	o := &f.Outcomes[i]
	from, gap := o.CommuneCode, o.Rank
	o.Status, o.CommuneCode, o.Role, o.Rank, o.Reason = StatusSelected, commune, role, rank, ReasonSelected
	for j := range f.Outcomes {
		w := &f.Outcomes[j]
		if w.Status == StatusWaiting && w.CommuneCode == from && w.Rank > gap {
			w.Rank--
		}
	}
}
