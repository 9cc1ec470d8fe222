package selection

// Region is one of the twelve regions of the kingdom.
type Region struct {
	Code       string // official code, e.g. "06"
	NameFR     string
	NameAR     string
	Population int // 2024 census
	Households int
}

// ProvinceType tells a province from a prefecture.
type ProvinceType string

// The kinds of province in the reference data.
const (
	ProvinceTypeProvince   ProvinceType = "province"
	ProvinceTypePrefecture ProvinceType = "prefecture"
	// ProvinceTypeArrondissements is a prefecture of arrondissements of
	// Casablanca: it holds no commune of its own.
	ProvinceTypeArrondissements ProvinceType = "prefecture_of_arrondissements"
)

// Province is a province or prefecture, the unit a laptop is scoped to.
type Province struct {
	Code       string // dotted official code, e.g. "06.141"
	RegionCode string
	NameFR     string
	NameAR     string
	Type       ProvinceType
	Population int
	Households int
}

// CommuneType tells an urban commune from a rural one.
type CommuneType string

// The kinds of commune.
const (
	CommuneUrban CommuneType = "urban"
	CommuneRural CommuneType = "rural"
)

// Commune is the territorial unit applicants choose and needs are set for.
type Commune struct {
	Code         string // dotted official code, e.g. "01.511.01.01"
	ProvinceCode string
	RegionCode   string
	NameFR       string
	NameAR       string
	Type         CommuneType
	Population   int // 2024 census
	Households   int
}

// Role is a field post: enumerator or controller.
type Role string

// The field roles.
const (
	RoleEnumerator Role = "enumerator"
	RoleController Role = "controller"
)

// Roles lists the field roles in the order the final selection fills them.
var Roles = []Role{RoleController, RoleEnumerator}

// Need is the number of field posts of one commune, by role, with the
// languages its households speak.
type Need struct {
	CommuneCode string
	Enumerators int
	Controllers int
	Languages   []Language
}

// Posts returns the number of posts of the given role.
func (n Need) Posts(r Role) int {
	if r == RoleController {
		return n.Controllers
	}
	return n.Enumerators
}

// Total returns the commune's field posts of both roles.
func (n Need) Total() int { return n.Enumerators + n.Controllers }

// Territory indexes the reference data by code.
type Territory struct {
	Regions   []Region
	Provinces []Province
	Communes  []Commune

	communeIdx  map[string]int
	provinceIdx map[string]int
}

// NewTerritory indexes regions, provinces and communes by their codes.
func NewTerritory(regions []Region, provinces []Province, communes []Commune) *Territory {
	t := &Territory{
		Regions:     regions,
		Provinces:   provinces,
		Communes:    communes,
		communeIdx:  make(map[string]int, len(communes)),
		provinceIdx: make(map[string]int, len(provinces)),
	}
	for i, c := range communes {
		t.communeIdx[c.Code] = i
	}
	for i, p := range provinces {
		t.provinceIdx[p.Code] = i
	}
	return t
}

// Commune returns the commune with the given code.
func (t *Territory) Commune(code string) (Commune, bool) {
	i, ok := t.communeIdx[code]
	if !ok {
		return Commune{}, false
	}
	return t.Communes[i], true
}

// Province returns the province with the given code.
func (t *Territory) Province(code string) (Province, bool) {
	i, ok := t.provinceIdx[code]
	if !ok {
		return Province{}, false
	}
	return t.Provinces[i], true
}

// CommunesOf returns the communes of one province, in reference order.
func (t *Territory) CommunesOf(provinceCode string) []Commune {
	var out []Commune
	for _, c := range t.Communes {
		if c.ProvinceCode == provinceCode {
			out = append(out, c)
		}
	}
	return out
}

// ProvincesOf returns the provinces of one region that hold communes.
func (t *Territory) ProvincesOf(regionCode string) []Province {
	var out []Province
	for _, p := range t.Provinces {
		if p.RegionCode == regionCode && p.Type != ProvinceTypeArrondissements {
			out = append(out, p)
		}
	}
	return out
}

// HasCommune reports whether code names a commune; it lets a Territory
// serve as the CommuneSet of validation.
func (t *Territory) HasCommune(code string) bool {
	_, ok := t.communeIdx[code]
	return ok
}
