package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// propose posts the proposal form from a same-origin page at addr.
func (env *adminEnv) propose(addr string, v url.Values) result {
	env.t.Helper()
	r := httptest.NewRequest(http.MethodPost, testBase+"/proposer", strings.NewReader(v.Encode()))
	r.RemoteAddr = addr
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", testBase)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	env.e.ServeHTTP(w, r)
	return result{w, "POST /proposer from " + addr}
}

func goodProposal() url.Values {
	return url.Values{"association": {"amis"}, "title": {"Vide-grenier du printemps"}, "date": {"2026-05-10"},
		"start": {"08:00"}, "end": {"17:30"}, "place": {"Place de la Halle"}, "commune": {"47195"},
		"description": {"Exposants bienvenus.\r\nBuvette sur place."}, "name": {"Jeanne Proposante"},
		"contact": {"jeanne.proposante@example.org"}}
}

// events counts the events of the store, and the proposers.
func (env *adminEnv) events() (n int, proposers int) {
	env.t.Helper()
	r := env.s.Reader()
	if err := r.QueryRowContext(context.Background(), `SELECT count(*) FROM events`).Scan(&n); err != nil {
		env.t.Fatal(err)
	}
	if err := r.QueryRowContext(context.Background(), `SELECT count(*) FROM proposals`).Scan(&proposers); err != nil {
		env.t.Fatal(err)
	}
	return n, proposers
}

func openProposals(t *testing.T, env *adminEnv) {
	t.Helper()
	if err := env.s.SetProposalsOpen(context.Background(), true); err != nil {
		t.Fatal(err)
	}
}

// Off by default: the form is a 404 that says proposals are closed, and a
// POST saves nothing.
func TestProposalsClosedByDefault(t *testing.T) {
	env := newAdminEnv(t)
	env.do("GET", "/", "", nil).must(t, 200).lacks(t, `href="/proposer"`)
	env.do("GET", "/proposer", "", nil).must(t, 404, "Les propositions d&#39;événements ne sont pas ouvertes sur ce site.")
	env.do("GET", "/proposer?lang=en", "", nil).must(t, 404, "This site does not take event proposals.")
	env.propose("192.0.2.1:1000", goodProposal()).must(t, 404)
	if n, p := env.events(); n != 0 || p != 0 {
		t.Fatalf("a closed form saved %d events, %d proposers", n, p)
	}
}

// A proposal becomes a pending event of the association's public
// calendar, with its proposer apart; nothing of it is public until it is
// approved, and then its proposer still is not.
func TestProposalSavedPendingThenApproved(t *testing.T) {
	env := newAdminEnv(t)
	openProposals(t, env)
	env.do("GET", "/", "", nil).must(t, 200, `<a href="/proposer">`)
	env.do("GET", "/proposer", "", nil).must(t, 200, "Proposer un événement", `<option value="amis">Les amis</option>`,
		`<option value="47195">Nérac</option>`, `name="website"`, `action="/proposer"`)
	env.propose("192.0.2.1:1000", goodProposal()).redirects(t, "/proposer/merci")
	env.do("GET", "/proposer/merci", "", nil).must(t, 200, "Merci pour votre proposition")

	ctx := context.Background()
	var id int64
	if err := env.s.Reader().QueryRowContext(ctx, `SELECT id FROM events`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	ev, err := env.s.GetEvent(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Moderation != model.ModerationPending || ev.Summary != "Vide-grenier du printemps" || ev.CommuneINSEE != "47195" ||
		ev.Location != "Place de la Halle, Nérac" || ev.Description != "Exposants bienvenus.\nBuvette sur place." {
		t.Errorf("stored %+v", ev)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	if !ev.Start.Equal(time.Date(2026, 5, 10, 8, 0, 0, 0, paris)) || !ev.End.Equal(time.Date(2026, 5, 10, 17, 30, 0, 0, paris)) {
		t.Errorf("times %v – %v", ev.Start, ev.End)
	}
	cal, err := env.s.GetCalendar(ctx, ev.CalendarID)
	if err != nil || cal.AssociationID != env.assocs["amis"].ID {
		t.Errorf("calendar %+v %v", cal, err)
	}
	if p, err := env.s.GetProposal(ctx, id); err != nil || p.Contact != "jeanne.proposante@example.org" || p.AddressKey != "192.0.2.1" {
		t.Errorf("proposer %+v %v", p, err)
	}

	public := []string{"/", "/?view=month&month=2026-05", "/feeds/agenda.ics", "/feeds/agenda.rss", "/feeds/agenda.atom",
		"/api/events?from=2026-05-01&to=2026-05-31", "/@amis", "/embed"}
	for _, path := range public {
		env.do("GET", path, "", nil).must(t, 200).lacks(t, "Vide-grenier", "jeanne.proposante", "Jeanne Proposante")
	}
	env.do("GET", model.EventPath(ev.UUID), "", nil).must(t, 404)

	if err := env.s.Moderate(ctx, id, model.ModerationApproved); err != nil {
		t.Fatal(err)
	}
	env.do("GET", model.EventPath(ev.UUID), "", nil).must(t, 200, "Vide-grenier du printemps").lacks(t, "jeanne.proposante", "Jeanne Proposante")
	env.do("GET", "/api/events?from=2026-05-01&to=2026-05-31", "", nil).must(t, 200, "Vide-grenier du printemps").lacks(t, "jeanne.proposante", "Jeanne Proposante")
	for _, path := range public {
		env.do("GET", path, "", nil).must(t, 200).lacks(t, "jeanne.proposante", "Jeanne Proposante")
	}
	env.do("GET", "/feeds/agenda.ics", "", nil).must(t, 200, "Vide-grenier du printemps")
}

// Bad input gets the form again, as typed, with the error next to each
// field, and saves nothing.
func TestProposalBadInput(t *testing.T) {
	env := newAdminEnv(t)
	openProposals(t, env)
	for _, c := range []struct {
		field, value, msg string
	}{
		{"association", "nulle-part", "Choisissez l&#39;association qui publiera l&#39;événement."},
		{"title", "", "Ce champ est obligatoire."},
		{"title", strings.Repeat("é", 201), "Ce champ doit compter au plus 200 caractères."},
		{"date", "10/05/2026", "Indiquez la date sous la forme AAAA-MM-JJ"},
		{"date", "2026-04-01", "Cette date est passée."},
		{"date", "2030-01-01", "Cette date est à plus de deux ans"},
		{"start", "8h", "Indiquez l&#39;heure sous la forme HH:MM"},
		{"end", "07:00", "L&#39;heure de fin doit venir après l&#39;heure de début."},
		{"place", "", "Ce champ est obligatoire."},
		{"commune", "75056", "Choisissez la commune dans la liste."},
		{"description", strings.Repeat("x", 5001), "Ce champ doit compter au plus 5000 caractères."},
		{"name", "Jeanne\x07", "Ce champ ne peut pas contenir de caractère de contrôle."},
		{"contact", "pas un contact", "Indiquez un courriel (nom@exemple.fr) ou un numéro de téléphone."},
		{"contact", "12 34", "Indiquez un courriel"},
	} {
		v := goodProposal()
		v.Set(c.field, c.value)
		typed := "jeanne.proposante@example.org" // the other fields come back as typed
		if c.field == "contact" {
			typed = "Place de la Halle"
		}
		env.propose("192.0.2.1:1000", v).must(t, 422, c.msg, `id="`+c.field+`-err"`, `aria-invalid="true"`, typed)
	}
	if n, p := env.events(); n != 0 || p != 0 {
		t.Fatalf("bad input saved %d events, %d proposers", n, p)
	}
	// A phone number is a contact too.
	v := goodProposal()
	v.Set("contact", "+33 6 12 34 56 78")
	env.propose("192.0.2.1:1000", v).redirects(t, "/proposer/merci")
}

// A robot that fills the hidden field is thanked and nothing is saved.
func TestProposalHoneypot(t *testing.T) {
	env := newAdminEnv(t)
	openProposals(t, env)
	v := goodProposal()
	v.Set("website", "https://spam.example/")
	env.propose("192.0.2.1:1000", v).redirects(t, "/proposer/merci")
	if n, p := env.events(); n != 0 || p != 0 {
		t.Fatalf("the honeypot let %d events, %d proposers through", n, p)
	}
}

// One client address makes at most 3 proposals a day (an IPv6 /64 counts
// as one address); the next waits, with nothing saved, while another
// address is not held up.
func TestProposalThrottle(t *testing.T) {
	env := newAdminEnv(t)
	openProposals(t, env)
	for i := 0; i < proposalsPerAddress; i++ {
		env.propose("[2001:db8:1:2::"+string(rune('a'+i))+"]:1000", goodProposal()).redirects(t, "/proposer/merci")
	}
	r := env.propose("[2001:db8:1:2::ff]:1000", goodProposal())
	r.must(t, 429, "Vous avez déjà fait plusieurs propositions aujourd&#39;hui", "Vide-grenier du printemps")
	if r.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if n, p := env.events(); n != proposalsPerAddress || p != proposalsPerAddress {
		t.Fatalf("after the throttle: %d events, %d proposers", n, p)
	}
	env.propose("192.0.2.50:1000", goodProposal()).redirects(t, "/proposer/merci")
	env.advance(proposalWindow + time.Minute)
	env.propose("[2001:db8:1:2::1]:1000", goodProposal()).redirects(t, "/proposer/merci")
}

// A proposal posted from another site is refused by the cross-origin
// protection and saves nothing.
func TestProposalCrossOrigin(t *testing.T) {
	env := newAdminEnv(t)
	openProposals(t, env)
	r := httptest.NewRequest(http.MethodPost, testBase+"/proposer", strings.NewReader(goodProposal().Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "https://evil.example")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	w := httptest.NewRecorder()
	env.e.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Errorf("cross-site proposal: %d", w.Code)
	}
	if n, p := env.events(); n != 0 || p != 0 {
		t.Fatalf("a cross-site proposal saved %d events, %d proposers", n, p)
	}
}
