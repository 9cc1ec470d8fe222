// Command intiqa is the desktop app of Intiqa, for the office laptops of
// each province: it holds the province's applicants in a local SQLite
// store and works with no network.
//
// Usage:
//
//	intiqa [--data DIR] [--demo] [--lang fr|ar|en]
//	intiqa --version
//
// The data folder is DIR, else the one chosen in the window (kept in the
// default folder's settings.json), else the system's convention. With
// --demo, or when the laptop holds no store yet and the user asks
// for it, the app generates a demonstration province into DIR/demo.db.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"intiqa/assets"
	"intiqa/ui"
)

// appID identifies the app to the system; FyneApp.toml holds the same.
const appID = "ma.intiqa.desktop"

// Log attribute keys.
const (
	keyProvince = "province"
	keyDemo     = "demo"
	keyDir      = "dir"
	keyErr      = "err"
	keyCommand  = "command"
)

// options are the command line's settings.
type options struct {
	dataDir    string // the data folder in use
	defaultDir string // the system's convention, where settings.json lies
	forced     bool   // --data named the folder
	chosen     bool   // the folder is the one chosen in the window
	demo       bool
	lang       string // "" to keep the user's choice, else fr, ar or en
	script     bool   // read commands from standard input (see ui.Shell.Command)
	version    bool   // print the version and exit
}

// dirs tells the window where the data is.
func (o options) dirs() ui.DataDirs {
	d := ui.DataDirs{Current: o.dataDir, Default: o.defaultDir, Forced: o.forced}
	if o.chosen {
		d.Chosen = o.dataDir
	}
	return d
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run starts the app and returns the process's exit code once its window
// is closed; with --version it prints the version and opens no window.
func run(args []string, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	opts, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if opts.version {
		fmt.Fprintln(stdout, assets.VersionLine("intiqa"))
		return 0
	}
	if err := ui.LoadTranslations(); err != nil {
		log.Warn("load translations", keyErr, err)
	}

	a := app.NewWithID(appID)
	ui.PreferredLanguage(a, ui.LangFrench)
	if opts.lang != "" {
		ui.SetLanguage(opts.lang)
	}
	th, err := ui.NewTheme()
	if err != nil {
		log.Error("load theme", keyErr, err)
		return 1
	}
	a.Settings().SetTheme(th)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))

	w := a.NewWindow("Intiqa")
	w.Resize(fyne.NewSize(1200, 720))
	w.SetMaster()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log.Info("starting", keyDir, opts.dataDir, keyDemo, opts.demo)
	b := newBackend(ctx, opts.dataDir, log)
	b.dirs = opts.dirs()
	shell := ui.NewShell(w, b, log)
	shell.SetDataDir(opts.dataDir)
	shell.Start(ctx, opts.demo)
	if opts.script {
		go runScript(os.Stdin, shell, log)
	}
	w.ShowAndRun()
	cancel()
	if err := b.Close(); err != nil {
		log.Error("close store", keyErr, err)
		return 1
	}
	return 0
}

// parseArgs reads the command line.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet("intiqa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.dataDir, "data", "",
		"dossier des données (par défaut ~/.local/share/intiqa, %AppData%\\Intiqa sous Windows)")
	fs.BoolVar(&opts.demo, "demo", false,
		"ouvrir la province de démonstration, en la générant si besoin")
	fs.StringVar(&opts.lang, "lang", "", "langue de la fenêtre : fr, ar ou en")
	fs.BoolVar(&opts.script, "script", false,
		"lire des commandes sur l'entrée standard (essais et démonstrations)")
	fs.BoolVar(&opts.version, "version", false, "afficher la version et quitter")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	switch opts.lang {
	case "", ui.LangFrench, ui.LangArabic, ui.LangEnglish:
	default:
		return opts, fmt.Errorf("langue inconnue : %q (fr, ar ou en)", opts.lang)
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("argument inattendu : %q", fs.Arg(0))
	}
	if opts.version {
		return opts, nil
	}
	return opts, settleDataDir(&opts)
}

// settleDataDir finds the data folder: --data, else the folder chosen in
// the window, else the system's convention.
func settleDataDir(opts *options) error {
	dir, err := defaultDataDir(dirEnv{
		goos: runtime.GOOS, getenv: os.Getenv,
		homeDir: os.UserHomeDir, configDir: os.UserConfigDir,
	})
	if err != nil && opts.dataDir == "" {
		return err
	}
	opts.defaultDir = dir
	if opts.dataDir != "" {
		opts.forced = true
		if dir == "" { // no default: the settings live with the data
			opts.defaultDir = opts.dataDir
		}
		return nil
	}
	s, err := readSettings(dir)
	if err != nil {
		return err
	}
	opts.dataDir, opts.chosen = dir, s.DataDir != ""
	if opts.chosen {
		opts.dataDir = s.DataDir
	}
	return nil
}

// runScript runs the commands read from r, one per line, on the UI
// goroutine, logging each one's end.
func runScript(r io.Reader, shell *ui.Shell, log *slog.Logger) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		fyne.DoAndWait(func() {
			if err := shell.Command(line); err != nil {
				log.Warn("command failed", keyErr, err)
				return
			}
			log.Info("command done", keyCommand, strings.Fields(line)[0])
		})
	}
}
