package synth

import "intiqa/selection"

// speech is the share (percent) of a province's people who speak one
// language beyond darija, in its rural and in its urban communes.
type speech struct {
	lang         selection.Language
	rural, urban int
}

// provinceTable describes what the generator needs to know of a province
// beyond the reference data: the letter prefixes of the national ID cards
// its offices issue, and its regional languages.
//
// NOTE: the CIN prefixes of the large cities follow the real ones (BE, BH,
// BK... Casablanca; A, AB Rabat; C, CD Fès; J, JB Agadir...); those of
// smaller provinces are plausible, not official. The language shares are
// rough orders of magnitude for a realistic data set, not statistics.
type provinceTable struct {
	cin    []string
	speech []speech
}

func sp(l selection.Language, rural, urban int) speech { return speech{l, rural, urban} }

const (
	tach = selection.LangTachelhit
	tama = selection.LangTamazight
	tari = selection.LangTarifit
	hass = selection.LangHassaniya
)

// provinceTables is keyed by dotted province code.
var provinceTables = map[string]provinceTable{
	// Tanger-Tétouan-Al Hoceïma
	"01.511": {[]string{"K", "KA", "KB"}, nil},
	"01.573": {[]string{"L", "LF"}, nil},
	"01.571": {[]string{"L", "LA", "LB"}, nil},
	"01.227": {[]string{"KB"}, nil},
	"01.331": {[]string{"LC", "LE"}, nil},
	"01.051": {[]string{"R"}, []speech{sp(tari, 90, 75)}},
	"01.151": {[]string{"LG"}, []speech{sp(tari, 15, 5)}},
	"01.405": {[]string{"LH"}, nil},
	// Oriental
	"02.411": {[]string{"F", "FA", "FB"}, []speech{sp(tari, 5, 8)}},
	"02.381": {[]string{"S", "SA"}, []speech{sp(tari, 85, 70)}},
	"02.167": {[]string{"SJ"}, []speech{sp(tari, 90, 80)}},
	"02.275": {[]string{"FJ"}, []speech{sp(tama, 15, 10)}},
	"02.113": {[]string{"FC"}, []speech{sp(tari, 30, 15)}},
	"02.533": {[]string{"FL"}, []speech{sp(tama, 25, 15)}},
	"02.265": {[]string{"ZG"}, []speech{sp(tama, 30, 15)}},
	"02.251": {[]string{"FG"}, []speech{sp(tama, 45, 35)}},
	// Fès-Meknès
	"03.231": {[]string{"C", "CB", "CD"}, []speech{sp(tama, 5, 10)}},
	"03.061": {[]string{"D", "DA"}, []speech{sp(tama, 25, 15)}},
	"03.171": {[]string{"DJ"}, []speech{sp(tama, 60, 35)}},
	"03.271": {[]string{"DI"}, []speech{sp(tama, 70, 45)}},
	"03.591": {[]string{"CN"}, []speech{sp(tama, 10, 5)}},
	"03.451": {[]string{"CE"}, []speech{sp(tama, 50, 30)}},
	"03.131": {[]string{"CH"}, []speech{sp(tama, 75, 50)}},
	"03.531": {[]string{"ZT"}, []speech{sp(tari, 8, 3)}},
	"03.561": {[]string{"Z", "ZA"}, []speech{sp(tama, 35, 20)}},
	// Rabat-Salé-Kénitra
	"04.421": {[]string{"A", "AB"}, []speech{sp(tama, 0, 8)}},
	"04.441": {[]string{"AE", "AA"}, []speech{sp(tama, 0, 6)}},
	"04.501": {[]string{"AD"}, []speech{sp(tama, 10, 8)}},
	"04.281": {[]string{"G", "GA", "GB"}, []speech{sp(tama, 3, 3)}},
	"04.291": {[]string{"X", "XA"}, []speech{sp(tama, 65, 40)}},
	"04.481": {[]string{"GM"}, []speech{sp(tama, 5, 3)}},
	"04.491": {[]string{"GY"}, []speech{sp(tama, 5, 3)}},
	// Béni Mellal-Khénifra
	"05.091": {[]string{"I", "IA"}, []speech{sp(tama, 40, 20)}},
	"05.081": {[]string{"IC"}, []speech{sp(tama, 80, 55)}},
	"05.255": {[]string{"IE"}, []speech{sp(tama, 10, 5)}},
	"05.301": {[]string{"P", "PA"}, []speech{sp(tama, 80, 55)}},
	"05.311": {[]string{"Q", "QA"}, []speech{sp(tama, 5, 5)}},
	// Casablanca-Settat
	"06.141": {[]string{"BE", "BH", "BJ", "BK", "BL", "BM", "B"}, []speech{sp(tach, 0, 10)}},
	"06.371": {[]string{"T", "TA"}, []speech{sp(tach, 5, 8)}},
	"06.181": {[]string{"M", "MA"}, []speech{sp(tach, 3, 5)}},
	"06.385": {[]string{"BK", "BN"}, []speech{sp(tach, 5, 8)}},
	"06.355": {[]string{"BL", "BW"}, []speech{sp(tach, 5, 8)}},
	"06.111": {[]string{"TB"}, []speech{sp(tach, 3, 3)}},
	"06.117": {[]string{"WB"}, []speech{sp(tach, 3, 5)}},
	"06.461": {[]string{"W", "WA"}, []speech{sp(tach, 3, 5)}},
	"06.467": {[]string{"MC"}, []speech{sp(tach, 2, 3)}},
	// Marrakech-Safi
	"07.351": {[]string{"E", "EE", "EB"}, []speech{sp(tach, 40, 25)}},
	"07.161": {[]string{"EC"}, []speech{sp(tach, 65, 40)}},
	"07.041": {[]string{"EA"}, []speech{sp(tach, 85, 60)}},
	"07.191": {[]string{"EL"}, []speech{sp(tach, 10, 5)}},
	"07.211": {[]string{"N", "NA"}, []speech{sp(tach, 55, 25)}},
	"07.427": {[]string{"ER"}, []speech{sp(tach, 5, 5)}},
	"07.431": {[]string{"H", "HH"}, []speech{sp(tach, 5, 5)}},
	"07.585": {[]string{"HA"}, []speech{sp(tach, 3, 3)}},
	// Drâa-Tafilalet
	"08.201": {[]string{"U", "UA"}, []speech{sp(tama, 50, 30)}},
	"08.401": {[]string{"V", "VA"}, []speech{sp(tach, 75, 55)}},
	"08.363": {[]string{"UC"}, []speech{sp(tama, 70, 45)}},
	"08.577": {[]string{"UD"}, []speech{sp(tama, 85, 60)}},
	"08.587": {[]string{"VB"}, []speech{sp(tach, 35, 20), sp(tama, 10, 5)}},
	// Souss-Massa
	"09.001": {[]string{"J", "JA"}, []speech{sp(tach, 75, 45)}},
	"09.273": {[]string{"JB", "JC"}, []speech{sp(tach, 60, 45)}},
	"09.163": {[]string{"JE"}, []speech{sp(tach, 80, 55)}},
	"09.541": {[]string{"JK", "JH"}, []speech{sp(tach, 85, 55)}},
	"09.581": {[]string{"JT"}, []speech{sp(tach, 90, 65)}},
	"09.551": {[]string{"JY"}, []speech{sp(tach, 70, 45)}},
	// Guelmim-Oued Noun
	"10.261": {[]string{"JG"}, []speech{sp(tach, 50, 35), sp(hass, 40, 45)}},
	"10.071": {[]string{"JZ"}, []speech{sp(hass, 80, 80)}},
	"10.521": {[]string{"JN"}, []speech{sp(hass, 75, 70)}},
	"10.473": {[]string{"JI"}, []speech{sp(tach, 85, 60), sp(hass, 5, 10)}},
	// Laâyoune-Sakia El Hamra
	"11.321": {[]string{"SH", "SL"}, []speech{sp(hass, 75, 65)}},
	"11.121": {[]string{"SB"}, []speech{sp(hass, 75, 70)}},
	"11.537": {[]string{"ST"}, []speech{sp(hass, 75, 70)}},
	"11.221": {[]string{"SM"}, []speech{sp(hass, 85, 80)}},
	// Dakhla-Oued Ed-Dahab
	"12.391": {[]string{"SD"}, []speech{sp(hass, 75, 60)}},
	"12.066": {[]string{"SE"}, []speech{sp(hass, 85, 80)}},
}

// spanishShare is the share (percent) of applicants who speak Spanish, by
// region; the north, once under Spanish protectorate, is well above the
// rest.
func spanishShare(regionCode string) int {
	switch regionCode {
	case "01":
		return 35
	case "02":
		return 12
	case "11", "12":
		return 8
	}
	return 2
}

// communeLanguageThreshold is the share (percent) of speakers from which
// a commune's needs list a regional language.
const communeLanguageThreshold = 30

// share returns the percent of speakers of s in a commune of type t.
func (s speech) share(t selection.CommuneType) int {
	if t == selection.CommuneUrban {
		return s.urban
	}
	return s.rural
}
