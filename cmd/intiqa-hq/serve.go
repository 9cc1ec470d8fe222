package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"intiqa/localdb"
	isync "intiqa/sync"
)

// serveOptions are the command-line options of serve.
type serveOptions struct {
	db, docs, addr string
	cert, key      string
	mailEvery      time.Duration // 0: no planning of e-mails while serving
}

// shutdownGrace is how long serve lets requests finish after a signal.
const shutdownGrace = 30 * time.Second

// Log keys of serve.
const (
	keyAddr = "addr"
	keyTLS  = "tls"
)

// runServe serves the provinces over HTTPS (plain HTTP on loopback only,
// for development) until interrupted, then lets running requests finish.
func runServe(ctx context.Context, e *env, args []string) error {
	opts, err := parseServeFlags(args, e.stderr)
	if err != nil {
		return err
	}
	db, err := localdb.Open(ctx, opts.db, localdb.Options{})
	if err != nil {
		return fmt.Errorf("ouverture de la base %s : %w", opts.db, err)
	}
	defer db.Close()
	if db.Scope() != localdb.NationalScope {
		return fmt.Errorf("%s est la base d'un portable (province %s), pas celle du siège",
			opts.db, db.Scope())
	}
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("écoute sur %s : %w", opts.addr, err)
	}
	srv := isync.NewServer(db, opts.docs, e.log)
	if opts.mailEvery > 0 {
		p := newMailPlanner(db, e.log, opts.mailEvery)
		srv.OnApplied(p.add)
		pctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { p.run(pctx); close(done) }()
		defer func() { stop(); <-done }() // before the store closes
	}
	return serve(ctx, e, ln, srv, opts)
}

// serve runs the HTTP server on ln until ctx is done.
func serve(ctx context.Context, e *env, ln net.Listener, h http.Handler, opts serveOptions) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	tlsOn := opts.cert != ""
	if tlsOn {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	done := make(chan error, 1)
	go func() {
		if tlsOn {
			done <- srv.ServeTLS(ln, opts.cert, opts.key)
		} else {
			done <- srv.Serve(ln)
		}
	}()
	e.log.Info("serving", keyAddr, ln.Addr().String(), keyTLS, tlsOn)
	fmt.Fprintf(e.stdout, "siège en service sur %s (%s)\n", ln.Addr(), scheme(tlsOn))

	select {
	case err := <-done:
		return fmt.Errorf("serveur : %w", err)
	case <-ctx.Done():
	}
	e.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("arrêt du serveur : %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serveur : %w", err)
	}
	fmt.Fprintln(e.stdout, "siège arrêté")
	return nil
}

func scheme(tlsOn bool) string {
	if tlsOn {
		return "https"
	}
	return "http, boucle locale seulement"
}

// parseServeFlags reads the options of serve and checks that plain HTTP
// is asked only on a loopback address.
func parseServeFlags(args []string, stderr io.Writer) (serveOptions, error) {
	var opts serveOptions
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.db, "db", "", "base SQLite nationale du siège (obligatoire)")
	fs.StringVar(&opts.docs, "docs", "", "dossier des fichiers des documents, nommés par SHA-256")
	fs.StringVar(&opts.addr, "addr", "127.0.0.1:8080", "adresse d'écoute HÔTE:PORT")
	fs.StringVar(&opts.cert, "tls-cert", "", "certificat TLS (PEM)")
	fs.StringVar(&opts.key, "tls-key", "", "clé privée du certificat TLS (PEM)")
	fs.DurationVar(&opts.mailEvery, "mail-plan-every", 30*time.Second,
		"planifier les courriels des décisions reçues au plus à cet intervalle (0 : jamais)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage : intiqa-hq serve --db FICHIER [--docs DOSSIER] "+
			"[--addr HÔTE:PORT] [--tls-cert CERT.pem --tls-key CLÉ.pem]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return opts, fmt.Errorf("%w : %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return opts, fmt.Errorf("%w : argument inattendu %q", errUsage, fs.Arg(0))
	case opts.db == "":
		return opts, fmt.Errorf("%w : --db est obligatoire", errUsage)
	case (opts.cert == "") != (opts.key == ""):
		return opts, fmt.Errorf("%w : --tls-cert et --tls-key vont ensemble", errUsage)
	case opts.cert == "" && !isLoopback(opts.addr):
		return opts, fmt.Errorf("%w : sans --tls-cert ni --tls-key, le siège n'écoute que sur la "+
			"boucle locale (127.0.0.1, ::1, localhost), pas sur %s", errUsage, opts.addr)
	}
	return opts, nil
}

// isLoopback reports whether addr's host is a loopback address.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
