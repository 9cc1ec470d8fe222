// Command intiqa is the desktop app of Intiqa, for the office laptops of
// each province: it holds the province's applicants in a local SQLite
// store and works with no network.
//
// Usage:
//
//	intiqa [--data DIR] [--demo]
//
// With --demo, or when the laptop holds no store yet and the user asks
// for it, the app generates a demonstration province into DIR/demo.db.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"

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
	keyRows     = "rows"
	keyDemo     = "demo"
	keyDir      = "dir"
	keyErr      = "err"
)

// options are the command line's settings.
type options struct {
	dataDir string
	demo    bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run starts the app and returns the process's exit code once its window
// is closed.
func run(args []string, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	opts, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if err := ui.LoadTranslations(); err != nil {
		log.Warn("load translations", keyErr, err)
	}

	a := app.NewWithID(appID)
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
	shell := ui.NewShell(w, newBackend(opts.dataDir, log), log)
	shell.Start(ctx, opts.demo)
	w.ShowAndRun()
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
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("argument inattendu : %q", fs.Arg(0))
	}
	if opts.dataDir == "" {
		dir, err := defaultDataDir(dirEnv{
			goos: runtime.GOOS, getenv: os.Getenv,
			homeDir: os.UserHomeDir, configDir: os.UserConfigDir,
		})
		if err != nil {
			return opts, err
		}
		opts.dataDir = dir
	}
	return opts, nil
}
