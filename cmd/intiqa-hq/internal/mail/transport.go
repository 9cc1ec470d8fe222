package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode string

// The TLS modes.
const (
	// TLSStartTLS upgrades a plain connection (port 587) with STARTTLS,
	// and refuses a server that does not offer it.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit opens a TLS connection from the start (port 465).
	TLSImplicit TLSMode = "tls"
	// TLSNone sends in clear: only to a server on the loopback interface.
	TLSNone TLSMode = "none"
)

// ErrCleartext is returned when clear text is asked for a server that
// is not on the loopback interface.
var ErrCleartext = errors.New("SMTP without TLS is allowed on the loopback interface only")

// SMTPConfig says how to reach and authenticate to the SMTP server.
type SMTPConfig struct {
	Host     string
	Port     int // 0: 587 with STARTTLS, 465 with TLS, 25 in clear
	TLS      TLSMode
	User     string // empty: no authentication
	Password string
	// RootCAs are the authorities the server's certificate is checked
	// against; nil means the system's.
	RootCAs *x509.CertPool
	Timeout time.Duration // 0: 30 s
	// IdleCheck is how long an open connection may stay unused before it
	// is checked (RSET) ahead of the next message: servers close idle
	// ones, and a message sent on a closed one would count an attempt.
	// 0: 15 s.
	IdleCheck time.Duration
}

// port returns the configured port or the mode's usual one.
func (c SMTPConfig) port() int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.TLS == TLSImplicit:
		return 465
	case c.TLS == TLSNone:
		return 25
	}
	return 587
}

// check refuses a configuration that cannot work or is unsafe.
func (c SMTPConfig) check() error {
	switch c.TLS {
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !isLoopback(c.Host) {
			return fmt.Errorf("SMTP host %s: %w", c.Host, ErrCleartext)
		}
	default:
		return fmt.Errorf("TLS mode %q: starttls, tls or none expected", c.TLS)
	}
	if c.Host == "" {
		return errors.New("no SMTP host")
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// smtpTransport keeps one connection to the SMTP server open across
// messages and opens a new one after any failure.
type smtpTransport struct {
	cfg    SMTPConfig
	client *gomail.Client
	open   bool
	used   time.Time // when the open connection last carried a message
}

// newTransport checks the configuration and prepares the client; it
// connects on first use.
func newTransport(cfg SMTPConfig) (*smtpTransport, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{
		gomail.WithPort(cfg.port()), gomail.WithTimeout(timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: cfg.Host, RootCAs: cfg.RootCAs,
			MinVersion: tls.VersionTLS12}),
	}
	switch cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.User != "" {
		auth := gomail.SMTPAuthPlain
		if cfg.TLS == TLSNone {
			auth = gomail.SMTPAuthPlainNoEnc // loopback only, see check
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.User),
			gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client: %w", err)
	}
	return &smtpTransport{cfg: cfg, client: client}, nil
}

// connect opens the connection unless it is open: greeting, TLS and
// authentication.
func (t *smtpTransport) connect(ctx context.Context) error {
	idle := t.cfg.IdleCheck
	if idle <= 0 {
		idle = 15 * time.Second
	}
	if t.open && time.Since(t.used) > idle && t.client.Reset() != nil {
		t.drop()
	}
	if t.open {
		return nil
	}
	if err := t.client.DialWithContext(ctx); err != nil {
		return &connectError{err: err}
	}
	t.open, t.used = true, time.Now()
	return nil
}

// send hands one message to the server on the open connection. After
// any error the connection is dropped, to start afresh.
func (t *smtpTransport) send(m *gomail.Msg) error {
	err := t.client.Send(m)
	t.used = time.Now()
	if err != nil {
		t.drop()
	}
	return err
}

// drop closes the connection, ignoring its errors: it may be broken.
func (t *smtpTransport) drop() {
	if t.open {
		t.client.Close()
		t.open = false
	}
}

// connectError is a failure to open the connection: nothing was sent.
type connectError struct{ err error }

func (e *connectError) Error() string { return "connect to the SMTP server: " + e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }

// permanent reports whether a connection failure will not heal by
// waiting: the server refused the credentials or TLS failed.
func (e *connectError) permanent() bool {
	code := smtpCode(e.err)
	var certErr *tls.CertificateVerificationError
	return code >= 500 || errors.As(e.err, &certErr) || strings.Contains(e.err.Error(), "STARTTLS")
}

// smtpCode returns the reply code an SMTP error carries, or 0 for a
// network error.
func smtpCode(err error) int {
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() != 0 {
		return se.ErrorCode()
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		msg := e.Error()
		if len(msg) >= 3 && (msg[0] == '4' || msg[0] == '5') && isDigits(msg[:3]) {
			var code int
			fmt.Sscanf(msg[:3], "%d", &code)
			return code
		}
	}
	return 0
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
