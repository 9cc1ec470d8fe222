package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"intiqa/selection"
)

//go:embed templates/*.txt templates/*.html
var templateFS embed.FS

// Templates renders the messages of every kind of notification, in
// French and Arabic, as plain text and HTML.
type Templates struct {
	text   map[selection.MailLanguage]*texttemplate.Template
	html   map[selection.MailLanguage]*htmltemplate.Template
	layout *htmltemplate.Template
}

// Message is a rendered message: its subject, and the same text as plain
// text and as HTML.
type Message struct {
	Subject string
	Text    string
	HTML    string
}

// LoadTemplates parses the embedded templates and checks that each
// language defines every kind.
func LoadTemplates() (*Templates, error) {
	t := &Templates{
		text: map[selection.MailLanguage]*texttemplate.Template{},
		html: map[selection.MailLanguage]*htmltemplate.Template{},
	}
	for _, lang := range []selection.MailLanguage{selection.MailFrench, selection.MailArabic} {
		funcs := labelsOf(lang).funcs()
		txt, err := texttemplate.New("").Funcs(funcs).Option("missingkey=error").
			ParseFS(templateFS, "templates/"+string(lang)+".txt")
		if err != nil {
			return nil, fmt.Errorf("parse %s text templates: %w", lang, err)
		}
		html, err := htmltemplate.New("").Funcs(funcs).Option("missingkey=error").
			ParseFS(templateFS, "templates/"+string(lang)+".html")
		if err != nil {
			return nil, fmt.Errorf("parse %s HTML templates: %w", lang, err)
		}
		for _, k := range selection.NotificationKinds {
			for _, name := range []string{string(k), string(k) + ".subject"} {
				if txt.Lookup(name) == nil {
					return nil, fmt.Errorf("%s text templates: %q missing", lang, name)
				}
			}
			if html.Lookup(string(k)) == nil {
				return nil, fmt.Errorf("%s HTML templates: %q missing", lang, k)
			}
		}
		t.text[lang], t.html[lang] = txt, html
	}
	layout, err := htmltemplate.ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse HTML layout: %w", err)
	}
	t.layout = layout
	return t, nil
}

// section is one language's part of the HTML message.
type section struct {
	Lang  selection.MailLanguage
	Dir   string
	Align string
	Body  htmltemplate.HTML // output of html/template, escaped already
}

// Render renders a notification kind's message in lang: a bilingual
// message holds the French text, then the Arabic one, and a subject
// joining both.
func (t *Templates) Render(kind selection.NotificationKind, lang selection.MailLanguage,
	v *View) (*Message, error) {
	var subjects, texts []string
	var sections []section
	for _, l := range lang.Parts() {
		txt, ok := t.text[l]
		if !ok {
			return nil, fmt.Errorf("render %s: no templates for language %q", kind, l)
		}
		subject, err := execute(txt, string(kind)+".subject", v)
		if err != nil {
			return nil, err
		}
		text, err := execute(txt, string(kind), v)
		if err != nil {
			return nil, err
		}
		var body bytes.Buffer
		if err := t.html[l].ExecuteTemplate(&body, string(kind), v); err != nil {
			return nil, fmt.Errorf("render %s in %s: %w", kind, l, err)
		}
		subjects, texts = append(subjects, oneLine(subject)), append(texts, strings.TrimSpace(text))
		sections = append(sections, newSection(l, body.String()))
	}
	m := &Message{Subject: strings.Join(subjects, " | "),
		Text: strings.Join(texts, "\n\n-----\n\n") + "\n"}
	var html bytes.Buffer
	err := t.layout.Execute(&html, struct {
		Lang     selection.MailLanguage
		Dir      string
		Subject  string
		Sections []section
	}{sections[0].Lang, sections[0].Dir, m.Subject, sections})
	if err != nil {
		return nil, fmt.Errorf("render %s layout: %w", kind, err)
	}
	m.HTML = html.String()
	return m, nil
}

// newSection wraps one language's HTML body.
func newSection(lang selection.MailLanguage, body string) section {
	s := section{Lang: lang, Dir: "ltr", Align: "left",
		Body: htmltemplate.HTML(strings.TrimSpace(body))} // #nosec: html/template output
	if lang == selection.MailArabic {
		s.Dir, s.Align = "rtl", "right"
	}
	return s
}

// execute runs one text template.
func execute(t *texttemplate.Template, name string, v *View) (string, error) {
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, v); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return b.String(), nil
}

// oneLine folds a subject onto one line: a header cannot hold a newline.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
