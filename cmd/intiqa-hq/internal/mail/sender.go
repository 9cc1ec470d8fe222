package mail

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"intiqa/localdb"
	"intiqa/selection"
)

// InterruptedReason is recorded on a notification found sending when a
// sender starts: its message may or may not have reached the server.
const InterruptedReason = "envoi interrompu (arrêt du programme pendant l'envoi) : " +
	"chercher son Message-ID dans le journal du serveur SMTP, puis " +
	"« intiqa-hq mail requeue » s'il n'est pas parti, ou « intiqa-hq mail mark-sent » s'il l'est"

// SenderConfig tunes a Sender.
type SenderConfig struct {
	Actor string // the audit log's actor
	From  string // the From address, "Name <addr>" or "addr"
	// Rate is the most messages per second sent; 0 means no limit.
	Rate float64
	// MaxAttempts is how many times a message that meets temporary
	// failures (4xx replies, network faults) is tried before it is marked
	// failed.
	MaxAttempts int
	// RetryBase is the delay before the second attempt; each next one
	// doubles it, up to RetryMax, with random jitter.
	RetryBase time.Duration
	RetryMax  time.Duration
	// ConnectAttempts is how many times in a row opening the connection
	// may fail with a temporary error before the run stops.
	ConnectAttempts int
	Links           Links
	Key             *PasswordKey // nil: invitations cannot be sent
	Now             func() time.Time
}

// withDefaults fills the zero fields of c.
func (c SenderConfig) withDefaults() SenderConfig {
	if c.Actor == "" {
		c.Actor = "mail"
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 30 * time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 30 * time.Minute
	}
	if c.ConnectAttempts <= 0 {
		c.ConnectAttempts = 6
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// SendReport sums up a run of the sender.
type SendReport struct {
	Sent        int
	Failed      int
	Retried     int // temporary failures, tried again later
	Unknown     int // interrupted or ambiguous: for an operator to check
	Interrupted []int64
}

// Sender sends the outbox's pending notifications over SMTP.
type Sender struct {
	db   *localdb.DB
	tmpl *Templates
	tr   *smtpTransport
	cfg  SenderConfig
	from *mail.Address
	terr *selection.Territory
	last time.Time // when the last message went out, for the rate limit

	// OnChange, if set, is called after each change of a notification's
	// status, for the caller to log.
	OnChange func(n *selection.Notification)
	// rendered, if set, is called once a message is rendered and before
	// its notification is marked sending: the crash tests stop the
	// process there.
	rendered func(n *selection.Notification)
}

// NewSender returns a sender of db's outbox through the SMTP server of
// smtp.
func NewSender(db *localdb.DB, tmpl *Templates, smtp SMTPConfig,
	cfg SenderConfig) (*Sender, error) {
	cfg = cfg.withDefaults()
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("from address %q: %w", cfg.From, err)
	}
	tr, err := newTransport(smtp)
	if err != nil {
		return nil, err
	}
	return &Sender{db: db, tmpl: tmpl, tr: tr, cfg: cfg, from: from}, nil
}

// Run first marks unknown the notifications an earlier run left sending,
// then sends the pending ones, oldest first, waiting for those to be
// retried, until none is pending or ctx ends. It stops with an error
// when the server cannot be used (refused credentials, TLS failure, or
// unreachable too long); what was not sent stays pending.
func (s *Sender) Run(ctx context.Context) (SendReport, error) {
	var rep SendReport
	defer s.tr.drop()
	stuck, err := s.db.MarkInterrupted(ctx, s.cfg.Actor, InterruptedReason)
	for _, n := range stuck {
		rep.Interrupted = append(rep.Interrupted, n.ID)
		s.changed(n)
	}
	if err != nil {
		return rep, err
	}
	if s.terr, err = s.db.Territory(ctx); err != nil {
		return rep, err
	}
	for {
		n, wait, err := s.db.NextNotification(ctx, s.cfg.Now())
		switch {
		case errors.Is(err, localdb.ErrNotFound) && wait == 0:
			return rep, nil
		case errors.Is(err, localdb.ErrNotFound):
			s.tr.drop() // do not hold the connection while waiting
			if err := sleep(ctx, wait); err != nil {
				return rep, err
			}
			continue
		case err != nil:
			return rep, err
		}
		if err := s.sendOne(ctx, n, &rep); err != nil {
			return rep, err
		}
	}
}

// sendOne renders, validates and sends one pending notification, and
// records each step. It returns an error only when the run must stop.
func (s *Sender) sendOne(ctx context.Context, n *selection.Notification, rep *SendReport) error {
	m, problem, err := s.prepare(ctx, n)
	if err != nil {
		return err
	}
	if problem != "" {
		rep.Failed++
		return s.change(ctx, n.ID, selection.NotificationPending, selection.NotificationFailed,
			false, "", problem, time.Time{})
	}
	if err := s.pace(ctx); err != nil {
		return err
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	if s.rendered != nil {
		s.rendered(n)
	}

	// Recorded as sending before a byte of the message leaves.
	id := messageID(n, s.from.Address)
	m.SetMessageIDWithValue(id)
	if err := s.change(ctx, n.ID, selection.NotificationPending, selection.NotificationSending,
		true, "<"+id+">", "", time.Time{}); err != nil {
		if errors.Is(err, localdb.ErrStaleVersion) {
			return nil // another sender took it
		}
		return err
	}
	sendErr := s.tr.send(m)
	s.last = s.cfg.Now()
	return s.record(ctx, n, m, sendErr, rep)
}

// record sets a sent message's status from the server's answer.
func (s *Sender) record(ctx context.Context, n *selection.Notification, m *gomail.Msg,
	sendErr error, rep *SendReport) error {
	from := selection.NotificationSending
	settle := func(to selection.NotificationStatus, reason string) error {
		return s.change(ctx, n.ID, from, to, false, "", reason, time.Time{})
	}
	switch v := classify(sendErr, m); v.outcome {
	case delivered:
		rep.Sent++
		return settle(selection.NotificationSent, "")
	case permanent:
		rep.Failed++
		return settle(selection.NotificationFailed, v.reason)
	case ambiguous:
		rep.Unknown++
		return settle(selection.NotificationUnknown, v.reason)
	default:
		attempts := n.Attempts + 1
		if attempts >= s.cfg.MaxAttempts {
			rep.Failed++
			return settle(selection.NotificationFailed,
				fmt.Sprintf("abandonné après %d tentatives : %s", attempts, v.reason))
		}
		rep.Retried++
		next := s.cfg.Now().Add(s.backoff(attempts))
		return s.change(ctx, n.ID, from, selection.NotificationPending, false, "", v.reason, next)
	}
}

// prepare reads the applicant, checks the address and builds the
// message. A problem that no retry can cure comes back as a reason to
// record; an error stops the run.
func (s *Sender) prepare(ctx context.Context,
	n *selection.Notification) (*gomail.Msg, string, error) {
	a, err := s.db.Applicant(ctx, n.ApplicantID)
	if errors.Is(err, localdb.ErrNotFound) {
		return nil, "candidat introuvable dans la base", nil
	}
	if err != nil {
		return nil, "", err
	}
	to, problem := CheckAddress(a)
	if problem != "" {
		return nil, problem, nil
	}
	v, err := NewView(n, a, s.terr, s.cfg.Links)
	if err != nil {
		return nil, err.Error(), nil
	}
	if n.Kind == selection.NotifyInvited {
		if s.cfg.Key == nil {
			return nil, "", fmt.Errorf("notification %d (invitation): %w", n.ID, ErrKeyMissing)
		}
		v.Password = s.cfg.Key.Password(a.ID)
	}
	msg, err := s.tmpl.Render(n.Kind, n.Lang, v)
	if err != nil {
		return nil, "", err
	}
	m, err := buildMessage(s.from, to, n.Lang, msg, s.cfg.Now())
	if err != nil {
		return nil, "adresse refusée : " + err.Error(), nil
	}
	return m, "", nil
}

// CheckAddress checks an applicant's e-mail address before anything is
// sent to it, and returns it as a recipient with the applicant's name,
// or the reason it cannot be used.
func CheckAddress(a *selection.Applicant) (*mail.Address, string) {
	email, err := selection.NormalizeEmail(a.Email)
	if err != nil {
		var fe *selection.FieldError
		if errors.As(err, &fe) && fe.Problem == selection.ProblemRequired {
			return nil, "adresse électronique absente"
		}
		return nil, "adresse électronique invalide (attendu : nom@domaine.tld)"
	}
	to, err := mail.ParseAddress(email)
	if err != nil {
		return nil, "adresse électronique invalide (" + err.Error() + ")"
	}
	to.Name = a.FirstName + " " + a.LastName
	return to, ""
}

// connect opens the connection to the server, retrying temporary
// failures with backoff; it gives up, stopping the run, on a permanent
// failure or after ConnectAttempts failures.
func (s *Sender) connect(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		err := s.tr.connect(ctx)
		if err == nil {
			return nil
		}
		var ce *connectError
		if errors.As(err, &ce) && ce.permanent() || attempt >= s.cfg.ConnectAttempts {
			return err
		}
		if err := sleep(ctx, s.backoff(attempt)); err != nil {
			return err
		}
	}
}

// pace waits as long as the rate limit asks.
func (s *Sender) pace(ctx context.Context) error {
	if s.cfg.Rate <= 0 || s.last.IsZero() {
		return nil
	}
	gap := time.Duration(float64(time.Second) / s.cfg.Rate)
	return sleep(ctx, s.last.Add(gap).Sub(s.cfg.Now()))
}

// backoff returns the delay before the attempt after the given one:
// RetryBase doubled for each earlier attempt, capped at RetryMax, of which
// a random half is taken off (so that retries spread out).
func (s *Sender) backoff(attempt int) time.Duration {
	d := s.cfg.RetryBase
	for i := 1; i < attempt && d < s.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.cfg.RetryMax)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// change moves a notification between statuses and reports it.
func (s *Sender) change(ctx context.Context, id int64, from, to selection.NotificationStatus,
	attempt bool, messageID, reason string, next time.Time) error {
	// The change is recorded even if ctx ends meanwhile: a message that
	// left must not stay "sending".
	n, err := s.db.ChangeNotification(context.WithoutCancel(ctx), s.cfg.Actor,
		selection.NotificationChange{ID: id, From: []selection.NotificationStatus{from}, To: to,
			CountAttempt: attempt, MessageID: messageID, Error: reason, NextAttemptAt: next})
	if err != nil {
		return err
	}
	s.changed(n)
	return nil
}

func (s *Sender) changed(n *selection.Notification) {
	if s.OnChange != nil {
		s.OnChange(n)
	}
}

// messageID names one attempt of a notification, so that the SMTP
// server's log can tell whether it left.
func messageID(n *selection.Notification, from string) string {
	domain := "intiqa.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = from[at+1:]
	}
	return fmt.Sprintf("intiqa.%d.%d@%s", n.ID, n.Attempts+1, domain)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
