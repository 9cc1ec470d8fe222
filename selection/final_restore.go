package selection

import "fmt"

// RestoreFinal rebuilds a committed final selection from its stored run
// and outcomes, over the candidates and needs it was run on, so that
// withdrawals can be recorded on it after the program restarts. The
// outcomes are taken as stored (withdrawals and promotions included);
// only the candidates' declared data is read again, to tell who may take
// a controller post and which communes they chose.
func RestoreFinal(in FinalInput, run Run, outcomes []Outcome) (*FinalSelection, error) {
	if in.Rules == nil {
		return nil, fmt.Errorf("restore final selection: no rules")
	}
	f := &FinalSelection{Run: run, Outcomes: outcomes, in: in, byID: map[string]int{},
		cands: map[string]*Candidate{}, needs: map[string]Need{}}
	for _, n := range in.Needs {
		f.needs[n.CommuneCode] = n
	}
	for i := range in.Candidates {
		c := &in.Candidates[i]
		f.cands[c.Applicant.ID] = c
	}
	for i, o := range outcomes {
		if _, ok := f.cands[o.ApplicantID]; !ok {
			return nil, fmt.Errorf("restore final selection: outcome of %s has no candidate: %w",
				o.ApplicantID, ErrNotFound)
		}
		f.byID[o.ApplicantID] = i
	}
	return f, nil
}
