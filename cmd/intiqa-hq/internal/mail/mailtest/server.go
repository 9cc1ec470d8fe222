// Package mailtest holds what the mail tests share: a real SMTP server on
// the loopback interface (go-smtp) with STARTTLS or implicit TLS on a
// self-signed certificate made for the test, authentication and
// injected faults, and a store of generated applicants holding one fact
// of each kind that notifications are planned from.
//
// Only tests import it.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Credentials of the test server.
const (
	User     = "intiqa"
	Password = "mot-de-passe-smtp"
)

// ServerOptions configure a test server.
type ServerOptions struct {
	// Implicit serves TLS from the first byte (port 465 style); otherwise
	// the server offers STARTTLS.
	Implicit bool
	// TempFailures is how many DATA commands are answered 451 before
	// messages are accepted.
	TempFailures int
	// RejectRcpt, if set, may refuse a recipient with an SMTP error.
	RejectRcpt func(to string) *smtp.SMTPError
	// IdleTimeout, if set, closes connections idle that long.
	IdleTimeout time.Duration
	// OnData, if set, is called once a message's data is read, before
	// the server answers; it may block, and the message is then accepted
	// (or refused, for TempFailures) when it returns.
	OnData func()
}

// Received is one message the server accepted.
type Received struct {
	From string
	To   []string
	Data []byte
}

// Server is a running SMTP server on 127.0.0.1.
type Server struct {
	Host  string
	Port  int
	CA    *x509.CertPool // trusts the server's self-signed certificate
	CAPEM []byte         // the same, as a PEM file's content

	opts      ServerOptions
	mu        sync.Mutex
	received  []Received
	dataCalls int
	srv       *smtp.Server
}

// StartServer starts a server for the test and stops it with the test.
func StartServer(tb testing.TB, opts ServerOptions) *Server {
	tb.Helper()
	cert, caPEM := selfSigned(tb)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	s := &Server{Host: "127.0.0.1", CA: pool, CAPEM: caPEM, opts: opts}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}

	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ErrorLog = log.New(io.Discard, "", 0) // killed clients are expected
	s.srv.ReadTimeout, s.srv.WriteTimeout = 30*time.Second, 30*time.Second
	if opts.IdleTimeout > 0 {
		s.srv.ReadTimeout = opts.IdleTimeout
	}
	s.srv.MaxMessageBytes = 1 << 20
	var l net.Listener
	var err error
	if opts.Implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", tlsConfig)
	} else {
		s.srv.TLSConfig = tlsConfig
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		tb.Fatal(err)
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(l)
	tb.Cleanup(func() { s.srv.Close() })
	return s
}

// Addr returns host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Received returns the messages accepted so far.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// DataCalls returns how many messages' data the server was sent,
// accepted or not.
func (s *Server) DataCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dataCalls
}

// session is one client connection.
type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != User || password != Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8},
				Message: "authentication failed"}
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := x.s.opts.RejectRcpt; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if x.s.opts.OnData != nil {
		x.s.opts.OnData()
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.dataCalls++
	if x.s.dataCalls <= x.s.opts.TempFailures {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message: "try again later"}
	}
	x.s.received = append(x.s.received, Received{From: x.from, To: x.to,
		Data: bytes.Clone(data)})
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for
// a day, and returns it with its PEM.
func selfSigned(tb testing.TB) (tls.Certificate, []byte) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "intiqa test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		tb.Fatal(errors.Join(err))
	}
	return cert, certPEM
}
