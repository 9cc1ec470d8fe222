package ui

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/jeandeaual/go-locale"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"intiqa/reports"
	"intiqa/selection"
)

// translations holds one catalogue per language. Message IDs are the
// French texts themselves (lang.L works like gettext), so French is what
// shows for any language without a catalogue.
//
//go:embed translations/*.json
var translations embed.FS

// LoadTranslations registers Intiqa's catalogues with Fyne, for the
// languages the operating system asks for (Fyne's own widget strings
// follow them), and loads them into Intiqa's own localizer, whose
// language the user picks inside the app.
//
// Fyne 2.7 follows the system locale and, when the system names no
// language it has a catalogue for (a "C" or unset locale), falls back to
// English. So that such a system shows French, the default of the
// product, the English catalogue is registered only when the system asks
// for English, and otherwise the French one also stands in for English
// and for the languages the system asks for.
//
// Fyne 2.7 has no way to override the locale, so the window's strings go
// through Intiqa's own localizer (tr, trN) over the same catalogues.
func LoadTranslations() error {
	locales, err := locale.GetLocales()
	if err != nil {
		return fmt.Errorf("read system locales: %w", err)
	}
	return loadTranslations(locales)
}

// loadTranslations registers the catalogues given the system's locales.
func loadTranslations(systemLocales []string) error {
	if err := loadLocalizer(); err != nil {
		return err
	}
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

// Languages the window offers, by code.
const (
	LangFrench  = "fr"
	LangArabic  = "ar"
	LangEnglish = "en"
)

// Languages lists the window's languages in the order it offers them.
var Languages = []string{LangFrench, LangArabic, LangEnglish}

// localizer is Intiqa's own, over the embedded catalogues.
var localizer struct {
	mu     sync.RWMutex
	bundle *i18n.Bundle
	lang   string
	loc    *i18n.Localizer
}

// loadLocalizer parses the catalogues into the localizer, in French.
func loadLocalizer() error {
	b := i18n.NewBundle(language.French)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range Languages {
		data, err := translations.ReadFile("translations/" + l + ".json")
		if err != nil {
			return fmt.Errorf("read translations: %w", err)
		}
		if _, err := b.ParseMessageFileBytes(data, l+".json"); err != nil {
			return fmt.Errorf("load %s translations: %w", l, err)
		}
	}
	localizer.mu.Lock()
	defer localizer.mu.Unlock()
	localizer.bundle = b
	localizer.lang = LangFrench
	localizer.loc = i18n.NewLocalizer(b, LangFrench)
	return nil
}

// SetLanguage makes the window's strings come in one of Languages;
// anything else is French.
func SetLanguage(code string) {
	switch code {
	case LangArabic, LangEnglish:
	default:
		code = LangFrench
	}
	localizer.mu.Lock()
	defer localizer.mu.Unlock()
	localizer.lang = code
	if localizer.bundle != nil {
		localizer.loc = i18n.NewLocalizer(localizer.bundle, code, LangFrench)
	}
}

// Language returns the code of the window's language.
func Language() string {
	localizer.mu.RLock()
	defer localizer.mu.RUnlock()
	return localizer.lang
}

// rtl reports whether the window's language is written right to left.
func rtl() bool { return Language() == LangArabic }

// tr returns a message in the window's language, filled with data if
// given, and ready to draw (see display). The message ID is the French
// text, shown as is when no catalogue has it.
func tr(id string, data ...map[string]any) string { return display(trRaw(id, data...)) }

// trRaw returns a message as tr does, in logical order: for text that is
// composed further before display.
func trRaw(id string, data ...map[string]any) string {
	return localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: first(data),
		DefaultMessage: &i18n.Message{ID: id, Other: id}}, id)
}

// trN returns the form of a message for a count, as tr does.
func trN(id string, n int, data ...map[string]any) string {
	d := first(data)
	if d == nil {
		d = map[string]any{}
	}
	if _, ok := d["Count"]; !ok {
		d["Count"] = formatCount(n)
	}
	return display(localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: n,
		DefaultMessage: &i18n.Message{ID: id, One: id, Other: id}}, id))
}

func first(data []map[string]any) map[string]any {
	if len(data) == 0 {
		return nil
	}
	return data[0]
}

// localize runs one lookup, falling back to the ID itself.
func localize(c *i18n.LocalizeConfig, id string) string {
	localizer.mu.RLock()
	loc := localizer.loc
	localizer.mu.RUnlock()
	if loc == nil {
		return id
	}
	s, err := loc.Localize(c)
	if err != nil || s == "" {
		s = id
	}
	return s
}

// categoryLabel names a category in the user's language.
func categoryLabel(c selection.Category) string {
	switch c {
	case selection.CategoryGraduate:
		return trRaw("Diplômé")
	case selection.CategoryStudent:
		return trRaw("Étudiant")
	case selection.CategoryCivilServant:
		return trRaw("Fonctionnaire")
	case selection.CategoryPrivateEmployee:
		return trRaw("Salarié du privé")
	case selection.CategoryPublicRetiree:
		return trRaw("Retraité du public")
	}
	return string(c)
}

// formatCount writes n with its thousands grouped, e.g. "12 345", as the
// printed reports do.
func formatCount(n int) string { return reports.Thousands(n) }
