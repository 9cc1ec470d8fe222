package mail

import (
	"context"
	"fmt"
	"net/mail"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/synth"
)

// Renderer renders the outbox's notifications from the store, as the
// sender does, for previews and dry runs: without a key, the invitation
// shows no password.
type Renderer struct {
	db    *localdb.DB
	tmpl  *Templates
	links Links
	terr  *selection.Territory
}

// NewRenderer reads the territory once for the renderings to come.
func NewRenderer(ctx context.Context, db *localdb.DB, tmpl *Templates,
	links Links) (*Renderer, error) {
	terr, err := db.Territory(ctx)
	if err != nil {
		return nil, err
	}
	return &Renderer{db: db, tmpl: tmpl, links: links, terr: terr}, nil
}

// Render renders a notification in lang (its own language when lang is
// empty) and returns the message and its recipient, or the reason the
// sender would mark it failed.
func (r *Renderer) Render(ctx context.Context, n *selection.Notification,
	lang selection.MailLanguage) (*Message, *mail.Address, string, error) {
	a, err := r.db.Applicant(ctx, n.ApplicantID)
	if err != nil {
		return nil, nil, "", err
	}
	to, problem := CheckAddress(a)
	v, err := NewView(n, a, r.terr, r.links)
	if err != nil {
		return nil, nil, err.Error(), nil
	}
	if lang == "" {
		lang = n.Lang
	}
	m, err := r.tmpl.Render(n.Kind, lang, v)
	return m, to, problem, err
}

// DryRunReport tells what a send would do, changing nothing.
type DryRunReport struct {
	Pending     int
	ByKind      map[selection.NotificationKind]int
	ByLang      map[selection.MailLanguage]int
	Problems    map[string]int // reasons the sender would record, and how often
	Invitations int            // messages that need the password key
}

// DryRun renders every pending notification and checks its address,
// sending nothing and changing nothing.
func (r *Renderer) DryRun(ctx context.Context) (DryRunReport, error) {
	rep := DryRunReport{ByKind: map[selection.NotificationKind]int{},
		ByLang: map[selection.MailLanguage]int{}, Problems: map[string]int{}}
	filter := localdb.NotificationFilter{Status: selection.NotificationPending}
	for n, err := range r.db.Notifications(ctx, filter) {
		if err != nil {
			return rep, err
		}
		rep.Pending++
		rep.ByKind[n.Kind]++
		rep.ByLang[n.Lang]++
		if n.Kind == selection.NotifyInvited {
			rep.Invitations++
		}
		_, _, problem, err := r.Render(ctx, n, "")
		if err != nil {
			return rep, fmt.Errorf("notification %d: %w", n.ID, err)
		}
		if problem != "" {
			rep.Problems[problem]++
		}
	}
	return rep, nil
}

// SampleView returns a view of a kind of notification for a generated
// applicant of the demonstration province, with made-up facts.
func SampleView(kind selection.NotificationKind, links Links) (*View, error) {
	g, err := synth.New(1, synth.DemoProvince())
	if err != nil {
		return nil, err
	}
	var a *selection.Applicant
	for x := range g.Applicants() {
		a = x
		break
	}
	n := &selection.Notification{Kind: kind, Facts: selection.NotificationFacts{
		CommuneCode: a.Choices[0], Rank: 2, Role: selection.RoleEnumerator,
		Place: "Siège de la province, salle 2", Slot: time.Date(2024, 5, 20, 9, 30, 0, 0, time.UTC),
		DocumentKind: selection.DocDiploma, RejectReason: selection.ReasonMismatch}}
	return NewView(n, a, g.Territory(), links)
}
