package ui

import (
	"embed"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/jeandeaual/go-locale"
	"golang.org/x/text/language"

	"intiqa/selection"
)

// translations holds one catalogue per language. Message IDs are the
// French texts themselves (lang.L works like gettext), so French is what
// shows for any language without a catalogue.
//
//go:embed translations/*.json
var translations embed.FS

// LoadTranslations registers Intiqa's catalogues with Fyne, for the
// languages the operating system asks for.
//
// Fyne 2.7 follows the system locale and, when the system names no
// language it has a catalogue for (a "C" or unset locale), falls back to
// English. So that such a system shows French, the default of the
// product, the English catalogue is registered only when the system asks
// for English, and otherwise the French one also stands in for English
// and for the languages the system asks for.
//
// TODO(i18n): a language choice inside the app needs Intiqa's own
// localizer over the same catalogues (Fyne 2.7 has no way to override
// the locale); Fyne's own widget strings keep following the system.
func LoadTranslations() error {
	locales, err := locale.GetLocales()
	if err != nil {
		return fmt.Errorf("read system locales: %w", err)
	}
	return loadTranslations(locales)
}

// loadTranslations registers the catalogues given the system's locales.
func loadTranslations(systemLocales []string) error {
	for _, c := range catalogues(systemLocales) {
		data, err := translations.ReadFile("translations/" + c.file + ".json")
		if err != nil {
			return fmt.Errorf("read translations: %w", err)
		}
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(c.locale)); err != nil {
			return fmt.Errorf("load %s translations: %w", c.file, err)
		}
	}
	return nil
}

// catalogue is one catalogue file registered for one locale.
type catalogue struct {
	file   string // "fr" for translations/fr.json
	locale string
}

// catalogues returns what to register for the system's locales: French
// and Arabic always; English when the system asks for it; and when the
// system asks for none of Intiqa's languages, French in place of the
// languages it asks for and of English, Fyne's fallback.
func catalogues(systemLocales []string) []catalogue {
	out := []catalogue{{"fr", "fr"}, {"ar", "ar"}}
	var others []string
	for _, l := range systemLocales {
		tag, err := language.Parse(l)
		if err != nil {
			continue // e.g. "C": no language named
		}
		base, _ := tag.Base()
		switch base.String() {
		case "en":
			return append(out, catalogue{"en", "en"})
		case "fr", "ar":
			return out
		}
		others = append(others, base.String())
	}
	for _, l := range append(others, "en") {
		out = append(out, catalogue{"fr", l})
	}
	return out
}

// categoryLabel names a category in the user's language.
func categoryLabel(c selection.Category) string {
	switch c {
	case selection.CategoryGraduate:
		return lang.L("Diplômé")
	case selection.CategoryStudent:
		return lang.L("Étudiant")
	case selection.CategoryCivilServant:
		return lang.L("Fonctionnaire")
	case selection.CategoryPrivateEmployee:
		return lang.L("Salarié du privé")
	case selection.CategoryPublicRetiree:
		return lang.L("Retraité du public")
	}
	return string(c)
}

// thinSpace groups the thousands of a count: the narrow no-break space
// of French typography, neutral in Arabic and English alike.
const thinSpace = "\u202f"

// formatCount writes n with its thousands grouped, e.g. "12 345".
func formatCount(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(thinSpace)
		}
		b.WriteRune(r)
	}
	return b.String()
}
