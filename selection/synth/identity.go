package synth

import (
	"strconv"
	"strings"

	"intiqa/selection"
)

// Sizes of the number spaces that identities are drawn from. Each
// applicant's national index goes through a keyed permutation of one of
// these spaces, so two applicants never share a CIN number, a phone or an
// e-mail suffix, whatever their names and prefixes.
const (
	cinFirst    = 100_000 // CIN numbers have six digits
	cinSpace    = 900_000
	phoneSpace  = 200_000_000 // 06 or 07, then eight digits
	emailSpace  = 1_000_000
	maxNational = cinSpace
)

// identityPerms holds the permutations of the identity number spaces.
type identityPerms struct {
	cin, phone, email permutation
}

func newIdentityPerms(seed uint64) identityPerms {
	return identityPerms{
		cin:   newPermutation(cinSpace, seed^streamCIN),
		phone: newPermutation(phoneSpace, seed^streamPhone),
		email: newPermutation(emailSpace, seed^streamEmail),
	}
}

// applicantID returns the platform ID of the gi-th applicant (from 0).
func applicantID(gi int) string {
	s := strconv.Itoa(gi + 1)
	return "A" + strings.Repeat("0", max(0, 7-len(s))) + s
}

// parseApplicantID returns the national index of an ID of applicantID.
func parseApplicantID(id string) (int, bool) {
	if len(id) < 2 || id[0] != 'A' {
		return 0, false
	}
	n, err := strconv.Atoi(id[1:])
	if err != nil || n < 1 || applicantID(n-1) != id {
		return 0, false
	}
	return n - 1, true
}

// rankWeights weighs the entries of a name table by rank, the first ones
// about ten times as frequent as the last.
func rankWeights(n int) weights {
	w := make([]int, n)
	for i := range w {
		w[i] = 100_000 / (i + 12)
	}
	return newWeights(w...)
}

var (
	maleWeights   = rankWeights(len(maleFirstNames))
	femaleWeights = rankWeights(len(femaleFirstNames))
	lastWeights   = rankWeights(len(lastNames))
)

// drawNames sets the applicant's names in both scripts.
func drawNames(a *selection.Applicant, r *rng) {
	first := maleFirstNames[r.pick(maleWeights)]
	if a.Sex == selection.SexFemale {
		first = femaleFirstNames[r.pick(femaleWeights)]
	}
	last := lastNames[r.pick(lastWeights)]
	a.FirstName, a.FirstNameAR = first.latin, first.arabic
	a.LastName, a.LastNameAR = last.latin, last.arabic
}

// cin returns a national ID number: a prefix of the issuing office, most
// often one of the province's, then a six-digit number unique nationally.
func (g *Generator) cin(pp *provincePlan, gi int, r *rng) string {
	prefixes := pp.table.cin
	if r.chance(0.1) { // card issued where the applicant lived before
		other := g.plan.provinces[r.intn(len(g.plan.provinces))]
		prefixes = other.table.cin
	}
	p := prefixes[r.intn(len(prefixes))]
	return p + strconv.Itoa(cinFirst+int(g.perms.cin.apply(uint64(gi))))
}

// phone returns a Moroccan mobile number unique nationally.
func (g *Generator) phone(gi int) string {
	v := g.perms.phone.apply(uint64(gi))
	head := "06"
	if v >= phoneSpace/2 {
		head, v = "07", v-phoneSpace/2
	}
	s := strconv.FormatUint(v, 10)
	return head + strings.Repeat("0", 8-len(s)) + s
}

var (
	emailDomains = []string{"gmail.com", "hotmail.com", "yahoo.fr", "outlook.fr", "menara.ma"}
	emailWeights = newWeights(58, 15, 12, 11, 4)
	// emailPatterns weighs first.last, firstlast, f.last, last.first and
	// first_last.
	emailPatterns = newWeights(35, 20, 15, 15, 15)
)

// email returns an address built from the names and a number unique
// nationally: the number ends the local part and names hold no digit, so
// the number alone tells two addresses apart.
func (g *Generator) email(a *selection.Applicant, gi int, r *rng) string {
	first, last := fold(a.FirstName), fold(a.LastName)
	var local string
	switch r.pick(emailPatterns) {
	case 0:
		local = first + "." + last
	case 1:
		local = first + last
	case 2:
		local = first[:1] + "." + last
	case 3:
		local = last + "." + first
	default:
		local = first + "_" + last
	}
	n := g.perms.email.apply(uint64(gi))
	domain := emailDomains[r.pick(emailWeights)]
	return local + strconv.FormatUint(n, 10) + "@" + domain
}

// fold lower-cases a Latin name and drops accents, spaces, hyphens and
// apostrophes, as people do in their e-mail addresses.
func fold(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch c {
		case ' ', '-', '\'', '’':
		case 'é', 'è', 'ê', 'ë':
			b.WriteByte('e')
		case 'à', 'â', 'ä':
			b.WriteByte('a')
		case 'î', 'ï':
			b.WriteByte('i')
		case 'ô', 'ö':
			b.WriteByte('o')
		case 'ù', 'û', 'ü':
			b.WriteByte('u')
		case 'ç':
			b.WriteByte('c')
		default:
			if c < 0x80 {
				b.WriteRune(c)
			}
		}
	}
	return b.String()
}
