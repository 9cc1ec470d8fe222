package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/selection"
)

// previewOptions are the options of "mail preview".
type previewOptions struct {
	db, kind, lang, out string
	id                  int64
	links               mail.Links
}

// runMailPreview renders a stored notification (--db, --id), or a sample
// of each kind (or of --kind) for a generated applicant, in French and in
// Arabic (or in --lang), as text and HTML, to stdout or to files in
// --out. A preview never shows a password.
func runMailPreview(ctx context.Context, e *env, args []string) error {
	var o previewOptions
	fs := newFlagSet("mail preview", e.stderr, "usage : intiqa-hq mail preview "+
		"[--db FICHIER --id N] [--kind SORTE] [--lang fr|ar|fr+ar] [--out DOSSIER]")
	fs.StringVar(&o.db, "db", "", "base SQLite du siège, pour --id")
	fs.Int64Var(&o.id, "id", 0, "numéro de la notification à rendre (avec --db)")
	fs.StringVar(&o.kind, "kind", "", "sorte d'exemple ; vide : toutes")
	fs.StringVar(&o.lang, "lang", "", "langue : fr, ar ou fr+ar ; vide : fr et ar "+
		"(ou celle de la notification)")
	fs.StringVar(&o.out, "out", "",
		"dossier où écrire SORTE.LANGUE.txt et .html ; vide : la sortie standard")
	fs.StringVar(&o.links.Training, "training-url", os.Getenv(envTrainingURL),
		"adresse de la plateforme de formation")
	fs.StringVar(&o.links.Upload, "upload-url", os.Getenv(envUploadURL),
		"adresse du dépôt des pièces")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	kinds, langs, err := o.choices()
	if err != nil {
		return err
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		return err
	}
	if o.id != 0 || o.db != "" {
		return previewStored(ctx, e, tmpl, o, langs)
	}
	for _, k := range kinds {
		v, err := mail.SampleView(k, o.links)
		if err != nil {
			return err
		}
		for _, l := range langs {
			m, err := tmpl.Render(k, l, v)
			if err != nil {
				return err
			}
			err = writePreview(e.stdout, o.out, fmt.Sprintf("exemple %s", k), string(k), l, m)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// choices checks --kind and --lang and returns what to render.
func (o previewOptions) choices() ([]selection.NotificationKind, []selection.MailLanguage, error) {
	kinds := selection.NotificationKinds
	if o.kind != "" {
		k, err := selection.ParseEnum("kind", o.kind, selection.NotificationKinds)
		if err != nil {
			return nil, nil, fmt.Errorf("%w : %v", errUsage, err)
		}
		kinds = []selection.NotificationKind{k}
	}
	langs := []selection.MailLanguage{selection.MailFrench, selection.MailArabic}
	if o.lang != "" {
		l, err := selection.ParseEnum("lang", o.lang, selection.MailLanguages)
		if err != nil {
			return nil, nil, fmt.Errorf("%w : %v", errUsage, err)
		}
		langs = []selection.MailLanguage{l}
	}
	if (o.id != 0) != (o.db != "") {
		return nil, nil, fmt.Errorf("%w : --db et --id vont ensemble", errUsage)
	}
	return kinds, langs, nil
}

// previewStored renders one notification of the store, in its language
// unless --lang says otherwise.
func previewStored(ctx context.Context, e *env, tmpl *mail.Templates, o previewOptions,
	langs []selection.MailLanguage) error {
	db, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Notification(ctx, o.id)
	if err != nil {
		return fmt.Errorf("notification %d introuvable : %w", o.id, err)
	}
	if o.lang == "" {
		langs = []selection.MailLanguage{n.Lang}
	}
	r, err := mail.NewRenderer(ctx, db, tmpl, o.links)
	if err != nil {
		return err
	}
	for _, l := range langs {
		m, _, problem, err := r.Render(ctx, n, l)
		if err != nil {
			return err
		}
		title := fmt.Sprintf("notification %d (%s, %s)", n.ID, n.Kind, n.Status)
		if problem != "" {
			title += " ; l'envoi échouerait : " + problem
		}
		err = writePreview(e.stdout, o.out, title, fmt.Sprintf("%d.%s", n.ID, n.Kind), l, m)
		if err != nil {
			return err
		}
	}
	return nil
}

// writePreview writes a rendered message to w, or as NAME.LANG.txt and
// NAME.LANG.html in dir.
func writePreview(w io.Writer, dir, title, name string, lang selection.MailLanguage,
	m *mail.Message) error {
	if dir == "" {
		fmt.Fprintf(w, "=== %s, %s\nObjet : %s\n--- texte\n%s--- HTML\n%s\n", title, lang,
			m.Subject, m.Text, m.HTML)
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	base := filepath.Join(dir, name+"."+string(lang))
	text := "Objet : " + m.Subject + "\n\n" + m.Text
	if err := os.WriteFile(base+".txt", []byte(text), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(base+".html", []byte(m.HTML), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s, %s : %s.txt, %s.html\n", title, lang, base, base)
	return nil
}
