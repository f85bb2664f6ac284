package web

import (
	"bytes"
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// smallICS is a two-event export, one event broken (an end before its
// start).
const smallICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Bastide//FR\r\n" +
	"BEGIN:VEVENT\r\nUID:loto-2026@club.example\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260612T180000Z\r\nDTEND:20260612T210000Z\r\nSUMMARY:Grand loto\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:broken-2026@club.example\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260612T180000Z\r\nDTEND:20260611T210000Z\r\nSUMMARY:Impossible\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// subscribe makes a new calendar of an association follow a feed.
func (env *adminEnv) subscribe(assoc, slug, feed string) *model.Subscription {
	env.t.Helper()
	sub := &model.Subscription{URL: feed}
	if _, _, err := env.s.SubscribeCalendar(context.Background(), env.assocs[assoc].ID, slug, "Suivi "+slug, true, sub); err != nil {
		env.t.Fatal(err)
	}
	return sub
}

// subscriptionPath is the path of verb on a new subscription of assoc.
func (env *adminEnv) subscriptionPath(assoc, verb string) string {
	sub := env.subscribe(assoc, "suivi", "https://cal.example.org/"+assoc+".ics")
	return "/admin/associations/" + assoc + "/subscriptions/" + strconv.FormatInt(sub.ID, 10) + "/" + verb
}

// upload sends form and files as multipart/form-data from a same-origin
// page.
func (env *adminEnv) upload(path, token string, form url.Values, files map[string]string) result {
	env.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				env.t.Fatal(err)
			}
		}
	}
	for field, content := range files {
		w, err := mw.CreateFormFile(field, "export.ics")
		if err != nil {
			env.t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			env.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		env.t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, testBase+path, &body)
	r.RemoteAddr = "192.0.2.10:40000"
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Origin", testBase)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	if token != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	}
	w := httptest.NewRecorder()
	env.e.ServeHTTP(w, r)
	return result{w, "POST " + path + " (multipart)"}
}

// importJobPath uploads smallICS into amis's main calendar as actor (as
// eddy when actor may not) and returns the job's page once the import
// is finished.
func (env *adminEnv) importJobPath(actor string) string {
	env.t.Helper()
	who := actor
	if who != "eddy" && who != "olga" && who != "admin" {
		who = "eddy"
	}
	tok := env.session(who)
	res := env.upload("/admin/associations/amis/import", tok, url.Values{"calendar": {"main"}}, map[string]string{"file": smallICS})
	loc := res.Header().Get("Location")
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/associations/amis/import/") {
		env.t.Fatalf("upload as %s: %d %q\n%s", who, res.Code, loc, cutBody(res.Body.String()))
	}
	env.waitImport(loc, tok)
	return loc
}

// waitImport reads an import's page until it no longer reloads itself.
func (env *adminEnv) waitImport(path, tok string) result {
	env.t.Helper()
	for i := 0; ; i++ {
		res := env.do(http.MethodGet, path, tok, nil)
		if !strings.Contains(res.Body.String(), `http-equiv="refresh"`) {
			return res
		}
		if i == 500 {
			env.t.Fatalf("the import at %s did not finish", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSubscriptionPages(t *testing.T) {
	var woken atomic.Int32
	var checked []string
	env := newAdminEnv(t, func(o *Options) {
		o.WakeSubscriptions = func() { woken.Add(1) }
		o.CheckFeedURL = func(_ context.Context, u string) error {
			checked = append(checked, u)
			if strings.Contains(u, "192.168.") {
				return errors.New("private")
			}
			return nil
		}
	})
	olga := env.session("olga")
	const list = "/admin/associations/amis/subscriptions"
	res := env.do(http.MethodGet, list, olga, nil).must(t, http.StatusOK, "Calendriers suivis", "Aucun agenda", `name="url"`,
		`<option value="60" selected>toutes les heures</option>`, `<option value="1440">tous les jours</option>`)
	if strings.Contains(res.Body.String(), "%!") {
		t.Fatalf("a message is badly formatted:\n%s", cutBody(res.Body.String()))
	}

	// Bad input: errors next to the fields, what was typed kept, nothing stored.
	for _, c := range []struct {
		form  url.Values
		field string
		want  string
	}{
		{url.Values{"url": {"ftp://cal.example.org/a.ics"}, "calendar": {"-"}, "name": {"Club"}, "every": {"60"}}, "url", "doit commencer par https://"},
		{url.Values{"url": {"http://192.168.1.10/cal.ics"}, "calendar": {"-"}, "name": {"Club"}, "every": {"60"}}, "url", "réseau privé"},
		{url.Values{"url": {"https://cal.example.org/a.ics"}, "calendar": {"-"}, "name": {""}, "every": {"60"}}, "name", ""},
		{url.Values{"url": {"https://cal.example.org/a.ics"}, "calendar": {"-"}, "name": {"Club"}, "every": {"1"}}, "every", "rythmes"},
		// The main calendar is not empty: the feed would replace its events.
		{url.Values{"url": {"https://cal.example.org/a.ics"}, "calendar": {"nope"}, "name": {""}, "every": {"60"}}, "calendar", "Choisissez un des agendas"},
	} {
		before := env.snapshot()
		res := env.do(http.MethodPost, list, olga, c.form)
		if res.Code < 400 {
			t.Fatalf("%v: %d, want a refusal", c.form, res.Code)
		}
		body := res.Body.String()
		if !strings.Contains(body, `id="`+c.field+`-err"`) || !strings.Contains(body, c.want) {
			t.Errorf("%v: no error next to %s saying %q\n%s", c.form, c.field, c.want, cutBody(body))
		}
		if u := c.form.Get("url"); !strings.Contains(body, `value="`+u+`"`) {
			t.Errorf("%v: the address typed is not kept", c.form)
		}
		if env.snapshot() != before {
			t.Errorf("%v: a refused form changed the store", c.form)
		}
	}
	if woken.Load() != 0 {
		t.Fatal("a refused form woke the worker")
	}

	// A webcal address into a new calendar: stored as https, due now, the worker woken.
	env.do(http.MethodPost, list, olga, url.Values{"url": {"webcal://cal.example.org/club.ics"}, "calendar": {"-"},
		"name": {"Agenda du club"}, "every": {"360"}, "public": {"on"}}).must(t, http.StatusSeeOther)
	if woken.Load() != 1 {
		t.Fatalf("saving woke the worker %d times, want 1", woken.Load())
	}
	subs, err := env.s.ListSubscriptions(context.Background(), env.assocs["amis"].ID)
	if err != nil || len(subs) != 1 {
		t.Fatalf("subscriptions: %v, %v", subs, err)
	}
	sub := subs[0]
	if sub.URL != "https://cal.example.org/club.ics" || sub.Interval != 6*time.Hour || sub.CalendarSlug != "agenda-du-club" {
		t.Fatalf("stored %+v", sub)
	}
	// An existing calendar with that name's slug is never taken over.
	env.do(http.MethodPost, list, olga, url.Values{"url": {"https://cal.example.org/two.ics"}, "calendar": {"-"},
		"name": {"Agenda"}, "every": {"60"}}).must(t, http.StatusSeeOther)
	subs, _ = env.s.ListSubscriptions(context.Background(), env.assocs["amis"].ID)
	for _, s := range subs {
		if s.CalendarSlug == "main" {
			t.Fatal("a new calendar's subscription took over the existing main calendar")
		}
	}

	// A failure shows in words, with the next try and the count.
	if err := env.s.SubscriptionFailure(context.Background(), sub.ID, model.FeedErrNotCalendar, "text/html", testNow); err != nil {
		t.Fatal(err)
	}
	env.do(http.MethodGet, list+"?done=saved", olga, nil).must(t, http.StatusOK, "Agenda du club", "https://cal.example.org/club.ics",
		"toutes les 6\u00a0heures", "une page web, pas un calendrier", "1\u00a0échec d\u2019affilée", "Prochain essai", "Le calendrier est suivi")
	env.do(http.MethodGet, list+"?lang=en", olga, nil).must(t, http.StatusOK, "a web page, not a calendar", "every 6 hours")

	// Refresh now: due now, the worker woken.
	id := strconv.FormatInt(sub.ID, 10)
	env.do(http.MethodPost, list+"/"+id+"/refresh", olga, url.Values{}).must(t, http.StatusSeeOther)
	got, _ := env.s.GetSubscription(context.Background(), sub.ID)
	if !got.NextAt.Before(time.Now().Add(time.Second)) || woken.Load() != 3 {
		t.Fatalf("after refresh now: next at %s, woken %d", got.NextAt, woken.Load())
	}

	// Another association's owner cannot reach it, even by id.
	env.do(http.MethodPost, "/admin/associations/autre/subscriptions/"+id+"/refresh", env.session("otto"), url.Values{}).must(t, http.StatusNotFound)

	// Removing asks for the box, then keeps the calendar, now writable.
	env.do(http.MethodPost, list+"/"+id+"/delete", olga, url.Values{}).must(t, http.StatusUnprocessableEntity, `id="confirm-`+id+`-err"`)
	res = env.do(http.MethodPost, list+"/"+id+"/delete", olga, url.Values{"confirm": {"on"}}).must(t, http.StatusSeeOther)
	env.do(http.MethodGet, res.Header().Get("Location"), olga, nil).must(t, http.StatusOK,
		"l\u2019agenda «\u00a0Agenda du club\u00a0» et ses événements restent et sont de nouveau modifiables")
	cal, err := env.s.GetAssociationCalendar(context.Background(), env.assocs["amis"].ID, "agenda-du-club")
	if err != nil || cal.ReadOnlySource() != "" {
		t.Fatalf("after removal the calendar is %+v, %v; want it kept and writable", cal, err)
	}
}

// The admin's dashboard lists the failing feeds of every association,
// with their last error in words and "refresh now".
func TestInstanceShowsFailingSubscriptions(t *testing.T) {
	var woken atomic.Int32
	env := newAdminEnv(t, func(o *Options) { o.WakeSubscriptions = func() { woken.Add(1) } })
	ok := env.subscribe("amis", "fine", "https://cal.example.org/fine.ics")
	bad := env.subscribe("autre", "broken", "https://cal.example.org/gone.ics")
	ctx := context.Background()
	if err := env.s.SubscriptionSuccess(ctx, ok.ID, "", "", "x", testNow); err != nil {
		t.Fatal(err)
	}
	if err := env.s.SubscriptionFailure(ctx, bad.ID, model.FeedErrNotFound, "404", testNow); err != nil {
		t.Fatal(err)
	}
	admin := env.session("admin")
	res := env.do(http.MethodGet, "/admin/instance", admin, nil).must(t, http.StatusOK, "Calendriers suivis en échec",
		"https://cal.example.org/gone.ics", "n\u2019existe plus", "jamais", "Prochain essai",
		`action="/admin/associations/autre/subscriptions/`+strconv.FormatInt(bad.ID, 10)+`/refresh"`)
	if strings.Contains(res.Body.String(), "fine.ics") {
		t.Error("the dashboard lists a feed that reads fine")
	}
	res = env.do(http.MethodPost, "/admin/associations/autre/subscriptions/"+strconv.FormatInt(bad.ID, 10)+"/refresh", admin,
		url.Values{"from": {"instance"}}).must(t, http.StatusSeeOther)
	if loc := res.Header().Get("Location"); loc != "/admin/instance?done=refresh" || woken.Load() != 1 {
		t.Fatalf("refresh now from the dashboard: to %q, woken %d", loc, woken.Load())
	}
	env.do(http.MethodGet, "/admin/instance?done=refresh", admin, nil).must(t, http.StatusOK, "Bastide relit le calendrier")
	// An owner's "from" does not lead them to the admin's page.
	res = env.do(http.MethodPost, "/admin/associations/autre/subscriptions/"+strconv.FormatInt(bad.ID, 10)+"/refresh", env.session("otto"),
		url.Values{"from": {"instance"}}).must(t, http.StatusSeeOther)
	if loc := res.Header().Get("Location"); loc != "/admin/associations/autre/subscriptions?done=refresh" {
		t.Fatalf("owner's refresh led to %q", loc)
	}
}
