//go:build integration

package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/fedifytest"
	"github.com/bastide47/bastide/ical"
)

const chromiumPath = "/usr/bin/chromium"

// TestBackofficeInBrowser drives the system Chromium through the back
// office as people use it: the admin invites someone, who sets a password
// on the invitation page, signs in, makes an app password on the page and
// uses it for a real CalDAV PROPFIND; makes a weekly event with one date
// skipped in the form, which python3-caldav (with that app password), the
// feed, vdirsyncer (configured from the connect page, same password) and
// a Fedify peer following the association (before the event was made)
// all get with its dates; an event made over CalDAV with an alarm and X-
// properties keeps them byte for byte through an edit in the form; a page
// on another site that posts a form to the back office is refused; the
// association's own pages take a logo upload, a calendar and a place;
// every back-office page is shot at phone (390x844) and desktop
// (1280x800) size (BASTIDE_SCREENSHOTS=dir keeps them).
func TestBackofficeInBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("headless Chromium is needed at %s: apt-get install chromium", chromiumPath)
	}
	// The base URL must be the address the browser uses: cookies and
	// same-origin checks follow it.
	ln := newLocalListener(t)
	base := "http://" + ln.Addr().String()
	// Federation runs, and may reach the Fedify peer on 127.0.0.1.
	b := newBackofficeWith(t, &Config{BaseURL: base, AllowPrivateAddresses: true}, ln)
	b.runWorker(t, "federation")
	peer := fedifytest.Start(t)
	ctx := context.Background()
	amis := &model.Association{Slug: "amis", Name: "Les Amis du Vieux Nérac"}
	if err := b.store.CreateAssociation(ctx, amis); err != nil {
		t.Fatal(err)
	}
	mainCal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: amis.ID, Slug: "main", Name: "Agenda", Public: true}
	if err := b.store.CreateCalendar(ctx, mainCal); err != nil {
		t.Fatal(err)
	}
	// The attacker's site, on another host name.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>evil</title><form method="post" action="%s/admin/me/app-passwords"><input name="name" value="stolen"></form><script>document.forms[0].submit()</script>`, base)
	}))
	defer evil.Close()
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)

	shots := t.TempDir()
	keep := os.Getenv("BASTIDE_SCREENSHOTS")
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	defer cancelA()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancelT := context.WithTimeout(bctx, 180*time.Second)
	defer cancelT()
	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *page.EventJavascriptDialogOpening:
			problems = append(problems, "dialog: "+e.Message)
		}
	}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}

	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			loc, _ := chromedp.Run(bctx, chromedp.Location())
			main, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			t.Fatalf("%s: %v\nat %s:\n%s", what, err, loc, main)
		}
	}
	text := func(what, css string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(css)))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return strings.TrimSpace(v)
	}
	// shoot takes the page at both sizes, checks that it rendered (its h1,
	// a non-empty image) and that it fits a phone's width.
	shot := 0
	shotAt := map[string]string{} // the path of each shot, by name
	shoot := func(name, h1 string) {
		t.Helper()
		if got := text(name+" h1", "main h1"); !strings.Contains(got, h1) {
			t.Fatalf("%s: h1 %q, want %q", name, got, h1)
		}
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if u, err := url.Parse(loc); err == nil {
			shotAt[name] = u.Path
		}
		for _, size := range []struct {
			suffix string
			w, h   int64
		}{{"phone", 390, 844}, {"desktop", 1280, 800}} {
			run(name, chromedp.EmulateViewport(size.w, size.h))
			buf, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("%s screenshot: %v", name, err)
			}
			if len(buf) < 5000 {
				t.Errorf("%s-%s screenshot looks empty (%d bytes)", name, size.suffix, len(buf))
			}
			for _, dir := range []string{shots, keep} {
				if dir != "" {
					if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("admin-%02d-%s-%s.png", shot, name, size.suffix)), buf, 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			if size.suffix == "phone" {
				fits, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth + 1`))
				if err != nil {
					t.Fatal(err)
				}
				if !fits {
					t.Errorf("%s: the page is wider than a 390 px phone", name)
				}
			}
		}
		shot++
	}
	signIn := func(user, pass string) {
		t.Helper()
		run("sign in as "+user,
			chromedp.Navigate(base+"/admin"),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/login"]`)),
			chromedp.SendKeys(chromedp.CSS(`#username`), user),
			chromedp.SendKeys(chromedp.CSS(`#password`), pass),
			chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`nav.admin-nav`)),
		)
	}
	signOut := func() {
		t.Helper()
		run("sign out",
			chromedp.Click(chromedp.CSS(`form[action="/admin/logout"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/login"]`)),
		)
	}

	// A public page leads to the sign-in page.
	run("public page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`footer a[href="/admin"]`)),
		chromedp.Click(chromedp.CSS(`footer a[href="/admin"]`)), chromedp.WaitVisible(chromedp.CSS(`#username`)))
	shoot("login", "Connexion")

	// The admin invites marie into the association, as an editor.
	signIn("admin", "password of admin")
	shoot("account-admin", "Mon espace")
	run("invitation form", chromedp.Navigate(base+"/admin/invitations/new"), chromedp.WaitVisible(chromedp.CSS(`#association`)))
	shoot("invitation", "Inviter quelqu")
	run("invite",
		chromedp.SetValue(chromedp.CSS(`#association`), fmt.Sprint(amis.ID)),
		chromedp.Click(chromedp.CSS(`input[name=role][value=editor]`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "dominique"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/invitations"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#link`)),
	)
	link := text("invitation link", "#link")
	shoot("invitation-made", "Lien d")
	// The admin approves an event of an untrusted source: the agenda shows it.
	pendingInBrowserTest(t, b)
	run("moderation", chromedp.Navigate(base+"/admin/moderation"), chromedp.WaitVisible(chromedp.CSS(`.moderation-item`)))
	shoot("moderation", "Événements à modérer")
	run("approve", chromedp.Click(chromedp.CSS(`.moderation-item form[action$="/approve"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.moderation-item`)))
	run("agenda after approval", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`main`)))
	if got := text("agenda", "main"); !strings.Contains(got, "Bal trad à Nérac") {
		t.Fatalf("the approved event is not on the agenda:\n%s", got)
	}
	run("dashboard", chromedp.Navigate(base+"/admin/instance"), chromedp.WaitVisible(chromedp.CSS(`.admin-counts`)))
	shoot("instance", "Tableau de bord")
	run("fediverse", chromedp.Navigate(base+"/admin/instance/fediverse"), chromedp.WaitVisible(chromedp.CSS(`#target`)))
	shoot("fediverse", "Le fédivers")
	run("block a domain", chromedp.SendKeys(chromedp.CSS(`#domain`), "not a domain"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/instance/blocks"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#domain-err`)))
	shoot("fediverse-error", "Le fédivers")
	run("charter form", chromedp.Navigate(base+"/admin/instance/pages/charte"), chromedp.WaitVisible(chromedp.CSS(`#body`)))
	shoot("instance-page", "Page de l")
	run("charter saved", chromedp.SetValue(chromedp.CSS(`#body`), "# Charte de l'agenda\n\n- Des événements **ouverts à tous**."),
		chromedp.Click(chromedp.CSS(`form[action="/admin/instance/pages/charte"] button`)), chromedp.WaitVisible(chromedp.CSS(`.instance-page`)))
	shoot("charter", "Charte de l")
	run("accounts", chromedp.Navigate(base+"/admin/users"), chromedp.WaitVisible(chromedp.CSS(`.admin-table`)))
	shoot("users", "Comptes")
	run("reset link", chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[action="/admin/users/%d/reset"] button`, b.users["marie"].ID))),
		chromedp.WaitVisible(chromedp.CSS(`#link`)))
	resetLink := text("reset link", "#link")
	shoot("reset-made", "Lien de réinitialisation")
	// The instance's associations and an account's deletion, shot only.
	run("associations", chromedp.Navigate(base+"/admin/instance/associations"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	shoot("associations", "Associations de l")
	run("new association", chromedp.Navigate(base+"/admin/instance/associations/new"), chromedp.WaitVisible(chromedp.CSS(`main form`)))
	shoot("association-new", "Nouvelle association")
	// The confirmation of a deletion says what would be lost; nothing is
	// confirmed here.
	run("delete an association", chromedp.Navigate(base+"/admin/instance/associations/amis/delete"), chromedp.WaitVisible(chromedp.CSS(`main form`)))
	shoot("association-delete", "Supprimer une association")
	run("delete an account", chromedp.Navigate(fmt.Sprintf("%s/admin/users/%d/delete", base, b.users["marie"].ID)), chromedp.WaitVisible(chromedp.CSS(`main form`)))
	shoot("user-delete", "Supprimer un compte")
	signOut()
	run("reset page", chromedp.Navigate(resetLink), chromedp.WaitVisible(chromedp.CSS(`#confirm`)))
	shoot("reset", "Choisir un nouveau mot de passe")

	// The invited person sets a password; a mistake is shown next to the field.
	run("invitation page", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`#confirm`)))
	shoot("join", "Créer votre compte")
	run("join with a typo",
		chromedp.Clear(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "dominique"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "le vieux pont de Nérac"),
		chromedp.SendKeys(chromedp.CSS(`#confirm`), "le vieux pont de Nerac"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-err`)),
	)
	if v := text("typed username kept", "#username-hint"); v == "" {
		t.Fatal("the form lost its hint")
	}
	if v, _ := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`#username`))); v != "dominique" {
		t.Fatalf("the typed username is lost: %q", v)
	}
	shoot("join-error", "Créer votre compte")
	run("join",
		chromedp.SendKeys(chromedp.CSS(`#password`), "le vieux pont de Nérac"),
		chromedp.SendKeys(chromedp.CSS(`#confirm`), "le vieux pont de Nérac"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.admin-nav`)),
	)
	if got := text("my space", "main .admin-table"); !strings.Contains(got, "Les Amis du Vieux Nérac") || !strings.Contains(got, "rédaction") {
		t.Fatalf("my space lists %q", got)
	}
	signOut()
	signIn("dominique", "le vieux pont de Nérac")
	shoot("account", "Mon espace")

	// An app password made on the page opens CalDAV.
	run("app passwords", chromedp.Navigate(base+"/admin/me/app-passwords"), chromedp.WaitVisible(chromedp.CSS(`#name`)))
	shoot("app-passwords-empty", "Mots de passe d")
	run("new app password",
		chromedp.SendKeys(chromedp.CSS(`#name`), "Thunderbird"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/me/app-passwords"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#new-app-password`)),
	)
	appPassword := text("app password", "#new-app-password")
	shoot("app-passwords", "Mots de passe d")
	req, _ := http.NewRequest("PROPFIND", base+"/dav/calendars/dominique/", strings.NewReader(`<?xml version="1.0"?><propfind xmlns="DAV:"><prop><displayname/></prop></propfind>`))
	req.Header.Set("Depth", "1")
	req.SetBasicAuth("dominique", appPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMultiStatus || !strings.Contains(string(body), "Agenda") {
		t.Fatalf("PROPFIND with the app password: %s\n%s", resp.Status, body)
	}

	run("connect", chromedp.Navigate(base+"/admin/me/connect"), chromedp.WaitVisible(chromedp.CSS(`#server-url`)))
	if got := text("server URL", "#server-url"); got != base+"/dav/" {
		t.Fatalf("server URL %q", got)
	}
	shoot("connect", "Connecter votre application")
	run("password page", chromedp.Navigate(base+"/admin/me/password"), chromedp.WaitVisible(chromedp.CSS(`#current`)))
	shoot("password", "Changer de mot de passe")

	// The event form (#10 §4): a weekly event with one date skipped, found
	// on the agenda, in the feed, by python3-caldav, by vdirsyncer and at a
	// Fedify peer that followed the association before; then one date
	// cancelled.
	fedifyFollows(t, b, peer, amis.ID, base+model.AssociationPath("amis"))
	run("new event form", chromedp.Navigate(base+"/admin/associations/amis/events/new"), chromedp.WaitVisible(chromedp.CSS(`#title`)))
	shoot("event-new", "Nouvel événement")
	run("fill the event",
		chromedp.SendKeys(chromedp.CSS(`#title`), "Atelier de vannerie"),
		chromedp.SetValue(chromedp.CSS(`#start_date`), "2027-01-05"),
		chromedp.SetValue(chromedp.CSS(`#start_time`), "14:00"),
		chromedp.SetValue(chromedp.CSS(`#end_time`), "17:00"),
		chromedp.SendKeys(chromedp.CSS(`#location`), "Salle des fêtes"),
		chromedp.SendKeys(chromedp.CSS(`#commune`), "Nérac"),
		chromedp.SendKeys(chromedp.CSS(`#description`), "Apportez un sécateur."),
		chromedp.SetValue(chromedp.CSS(`#freq`), "WEEKLY"),
		chromedp.Click(chromedp.CSS(`input[name=day][value=TU]`)),
		chromedp.Click(chromedp.CSS(`input[name=ends][value=count]`)),
		chromedp.SendKeys(chromedp.CSS(`#count`), "4"),
		chromedp.SendKeys(chromedp.CSS(`#skip`), "2027-01-12"),
		chromedp.Click(chromedp.CSS(`button[name=check]`)),
		chromedp.WaitVisible(chromedp.CSS(`.clashes`)),
	)
	if v, _ := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`#title`))); v != "Atelier de vannerie" {
		t.Fatalf("checking the day lost the typed title: %q", v)
	}
	shoot("event-check", "Nouvel événement")
	run("save the event",
		chromedp.Click(chromedp.CSS(`form.event-form > p > button[type=submit]:not([name])`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	shoot("events", "Événements")
	loc, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := url.Parse(loc)
	uuid := saved.Query().Get("saved")
	ev, err := b.store.GetEventByUUID(ctx, uuid)
	if err != nil {
		t.Fatalf("the saved event %q: %v", uuid, err)
	}
	get := func(what, path string, auth bool, wants ...string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if auth {
			req.SetBasicAuth("dominique", appPassword)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", what, resp.Status)
		}
		for _, w := range wants {
			if !strings.Contains(string(body), w) {
				t.Fatalf("%s lacks %q:\n%s", what, w, body)
			}
		}
		return string(body)
	}
	get("agenda", "/?q=vannerie", false, "Atelier de vannerie")
	get("feed", "/feeds/agenda.ics", false, "SUMMARY:Atelier de vannerie", "EXDATE;TZID=Europe/Paris:20270112T140000", "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4")
	davPath := "/dav/calendars/dominique/amis.main/" + ev.Href
	get("CalDAV GET", davPath, true, "SUMMARY:Atelier de vannerie", "EXDATE;TZID=Europe/Paris:20270112T140000")
	weeklyEventElsewhere(t, weeklyCheck{b: b, base: base, bctx: bctx, peer: peer, user: "dominique", password: appPassword, run: run})
	run("edit the event", chromedp.Navigate(base+"/admin/associations/amis/events/"+uuid+"/edit"), chromedp.WaitVisible(chromedp.CSS(`#occ-date`)))
	shoot("event-edit", "Modifier l")
	run("cancel one date",
		chromedp.SetValue(chromedp.CSS(`#occ-date`), "2027-01-19"),
		chromedp.Click(chromedp.CSS(`button[name=op][value=cancel]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	get("CalDAV GET after cancelling a date", davPath, true, "RECURRENCE-ID;TZID=Europe/Paris:20270119T140000", "STATUS:CANCELLED")
	// A poster sent in the form (a file input, no script needed) shows on
	// the event's public page, and CalDAV GET gives its IMAGE.
	poster := filepath.Join(t.TempDir(), "affiche.png")
	writeLogo(t, poster)
	run("poster in the form", chromedp.Navigate(base+"/admin/associations/amis/events/"+uuid+"/edit"), chromedp.WaitVisible(chromedp.CSS(`#image`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#image`), []string{poster}),
		chromedp.Click(chromedp.CSS(`form.event-form > p > button[type=submit]:not([name])`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	run("poster on the event page", chromedp.Navigate(base+"/events/"+uuid), chromedp.WaitVisible(chromedp.CSS(`figure.poster img`)))
	if w, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelector("figure.poster img").naturalWidth`)); err != nil || w == 0 {
		t.Fatalf("the poster did not load on the event page (width %d, %v)", w, err)
	}
	shoot("event-poster", "Atelier de vannerie")
	get("CalDAV GET with the poster", davPath, true, "IMAGE;DISPLAY=FULLSIZE;FMTTYPE=image/")
	run("duplicate the event", chromedp.Navigate(base+"/admin/associations/amis/events/"+uuid+"/duplicate"), chromedp.WaitVisible(chromedp.CSS(`#title`)))
	shoot("event-duplicate", "Nouvel événement")

	alarmKeptThroughTheForm(t, weeklyCheck{b: b, base: base, bctx: bctx, peer: peer, user: "dominique", password: appPassword, run: run}, mainCal.ID)

	// A page on another site posts a form to the back office: refused.
	run("cross-site post", chromedp.Navigate(evilURL), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if got := text("refusal", "main h1"); !strings.Contains(got, "autre site") {
		t.Fatalf("the cross-site POST got %q", got)
	}
	shoot("cross-site-refused", "autre site")
	aps, err := b.store.ListAppPasswords(ctx, mustUser(t, b, "dominique").ID)
	if err != nil || len(aps) != 1 || aps[0].Name != "Thunderbird" {
		t.Fatalf("app passwords after the cross-site POST: %v %v", aps, err)
	}

	// An association's own pages, as the admin (who can do what an owner
	// can): the profile with a logo, members, calendars, followers, places.
	run("back to my space", chromedp.Navigate(base+"/admin/me"), chromedp.WaitVisible(chromedp.CSS(`nav.admin-nav`)))
	signOut()
	signIn("admin", "password of admin")
	logo := filepath.Join(t.TempDir(), "logo.png")
	writeLogo(t, logo)
	if err := b.store.PutFollower(ctx, &db.Follower{AssociationID: amis.ID, ActorID: "https://mobilizon.example/@ann",
		FollowID: "https://mobilizon.example/follow/1", FollowJSON: `{}`, State: db.FollowPending}); err != nil {
		t.Fatal(err)
	}
	run("profile", chromedp.Navigate(base+"/admin/associations/amis/edit"), chromedp.WaitVisible(chromedp.CSS(`#commune`)))
	shoot("association", "Profil de l")
	run("profile with a logo",
		chromedp.SetValue(chromedp.CSS(`#commune`), "47195"),
		chromedp.SendKeys(chromedp.CSS(`#website`), "https://amis.example.org"),
		chromedp.SetUploadFiles(chromedp.CSS(`#logo`), []string{logo}),
		chromedp.Click(chromedp.CSS(`form.admin-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`img.logo-preview`)),
	)
	shoot("association-saved", "Profil de l")
	run("members", chromedp.Navigate(base+"/admin/associations/amis/members"), chromedp.WaitVisible(chromedp.CSS(`.admin-table`)))
	shoot("members", "Membres")
	run("calendars", chromedp.Navigate(base+"/admin/associations/amis/calendars"), chromedp.WaitVisible(chromedp.CSS(`.admin-table`)))
	shoot("calendars", "Agendas de l")
	run("new calendar", chromedp.Navigate(base+"/admin/associations/amis/calendars/new"), chromedp.WaitVisible(chromedp.CSS(`#color`)))
	shoot("calendar-new", "Nouvel agenda")
	run("create a calendar",
		chromedp.SendKeys(chromedp.CSS(`#name`), "Fêtes d'été"),
		chromedp.Click(chromedp.CSS(`form.admin-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/associations/amis/calendars/fetes-d-ete/edit"]`)),
	)
	run("edit a calendar", chromedp.Navigate(base+"/admin/associations/amis/calendars/fetes-d-ete/edit"), chromedp.WaitVisible(chromedp.CSS(`input[name=confirm]`)))
	shoot("calendar-edit", "Modifier l")
	run("followers", chromedp.Navigate(base+"/admin/associations/amis/followers"), chromedp.WaitVisible(chromedp.CSS(`.admin-table`)))
	shoot("followers", "Abonnés du fédivers")
	run("new place", chromedp.Navigate(base+"/admin/associations/amis/places/new"), chromedp.WaitVisible(chromedp.CSS(`#lat`)))
	shoot("place-new", "Nouveau lieu")
	run("a place with a mistake",
		chromedp.SendKeys(chromedp.CSS(`#name`), "Salle des fêtes"),
		chromedp.SetValue(chromedp.CSS(`#commune`), "47195"),
		chromedp.SendKeys(chromedp.CSS(`#lat`), "44,13"),
		chromedp.Click(chromedp.CSS(`form.admin-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#geo-err`)),
	)
	shoot("place-error", "Nouveau lieu")
	run("a place",
		chromedp.SendKeys(chromedp.CSS(`#lon`), "0,34"),
		chromedp.Click(chromedp.CSS(`form.admin-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.admin-table`)),
	)
	shoot("places", "Lieux de l")
	ps, err := b.store.ListAssociationPlaces(ctx, amis.ID)
	if err != nil || len(ps) != 1 || ps[0].Locality != "Nérac" || !ps[0].HasGeo {
		t.Fatalf("places made in the browser: %+v (%v)", ps, err)
	}
	placeID := ps[0].ID
	if sha, err := b.store.AssociationLogo(ctx, amis.ID); err != nil || sha == "" {
		t.Fatalf("the logo uploaded in the browser was not saved (%v)", err)
	}
	subscriptionsInBrowserTest(t, b, base, browserSteps{run: run, text: text, shoot: shoot})

	// The instance's settings: its name and logo on every page at once.
	run("settings", chromedp.Navigate(base+"/admin/instance/settings"), chromedp.WaitVisible(chromedp.CSS(`#footer`)))
	shoot("settings", "Réglages de l")
	run("settings with a mistake",
		chromedp.SetValue(chromedp.CSS(`#name`), "Agenda du Pays d'Albret"),
		chromedp.SetValue(chromedp.CSS(`#contact`), "pas une adresse"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/instance/settings"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#contact-err`)),
	)
	if v, _ := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`#name`))); v != "Agenda du Pays d'Albret" {
		t.Fatalf("the settings form lost the typed name: %q", v)
	}
	shoot("settings-error", "Réglages de l")
	run("settings saved",
		chromedp.SetValue(chromedp.CSS(`#contact`), "bureau@albret.example"),
		chromedp.SetValue(chromedp.CSS(`#description`), "Les associations du Pays d'Albret"),
		chromedp.SetValue(chromedp.CSS(`#footer`), "Hébergé par *le collectif*."),
		chromedp.SetUploadFiles(chromedp.CSS(`#logo`), []string{logo}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/instance/settings"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
	)
	run("agenda with the new name", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`header .brand img.brand-logo`)))
	if got := text("brand", "header .brand"); !strings.Contains(got, "Agenda du Pays d'Albret") || !strings.Contains(got, "Les associations du Pays d'Albret") {
		t.Fatalf("the agenda's header says %q", got)
	}
	if got := text("footer", "footer .footer-text"); got != "Hébergé par le collectif." {
		t.Fatalf("the footer says %q", got)
	}
	shoot("agenda-renamed", "")
	run("edit a place", chromedp.Navigate(fmt.Sprintf("%s/admin/associations/amis/places/%d/edit", base, placeID)), chromedp.WaitVisible(chromedp.CSS(`#lat`)))
	shoot("place-edit", "Modifier le lieu")

	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("script errors on our pages: %q", problems)
	}
	entries, _ := os.ReadDir(shots)
	if len(entries) != 2*shot {
		t.Errorf("%d screenshots, want %d", len(entries), 2*shot)
	}
	// Every page of the back office was shot (backofficeShots).
	for route, name := range backofficeShots {
		if at, ok := shotAt[name]; !ok {
			t.Errorf("no screenshot %q of %s", name, route)
		} else if !routeMatches(route, at) {
			t.Errorf("the screenshot %q of %s was taken at %s", name, route, at)
		}
	}
}

// pendingInBrowserTest stores an event of an untrusted followed source,
// as federation does, a few days ahead so that the agenda lists it.
func pendingInBrowserTest(t *testing.T, b *backoffice) {
	t.Helper()
	ctx := context.Background()
	actor := "https://mobilizon.test/@bal"
	cal := &model.Calendar{Kind: model.CalendarRemote, Slug: "bal", Name: "Bal trad", Public: true, Source: actor,
		Components: []string{"VEVENT"}}
	if err := b.store.CreateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	if err := b.store.PutFollow(ctx, &db.Follow{Object: actor, FollowID: actor + "#follow", State: db.FollowAccepted,
		CalendarID: cal.ID}); err != nil {
		t.Fatal(err)
	}
	day := time.Now().AddDate(0, 0, 3).Format("20060102")
	text := strings.Join([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//FR", "BEGIN:VEVENT",
		"UID:bal-nerac", "DTSTAMP:20260301T000000Z", "DTSTART;TZID=Europe/Paris:" + day + "T180000",
		"DTEND;TZID=Europe/Paris:" + day + "T200000", "SUMMARY:Bal trad à Nérac", "LOCATION:Salle des fêtes, Nérac",
		"END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	obj, err := ical.ParseObject([]byte(text), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e, err := obj.Event(time.Now(), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e.CalendarID, e.Href, e.Origin = cal.ID, "bal-nerac.ics", model.OriginRemote
	e.APID, e.Moderation = "https://mobilizon.test/events/bal-nerac", model.ModerationPending
	if _, err := b.store.PutEvent(ctx, db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
}

func mustUser(t *testing.T, b *backoffice, name string) *model.User {
	t.Helper()
	u, err := b.store.GetUserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// writeLogo writes a 600 × 300 PNG with transparency.
func writeLogo(t *testing.T, path string) {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, 600, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 600; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x / 3), 90, uint8(y), uint8(128 + x%128)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
