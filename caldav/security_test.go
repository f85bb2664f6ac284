package caldav

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// C-01: carol (member of autre only) reaches nothing of amis, by any
// method, path or encoding, and the answer does not depend on whether the
// target exists.
func TestCrossAssociationIsolation(t *testing.T) {
	e := newEnv(t)
	secret := event("secret", "20261205T140000Z", "20261205T150000Z", "Secret")
	e.put("alice", amisMain+"secret.ics", secret).must(t, 201, "seed")
	ev := event("evil", "20261205T140000Z", "20261205T150000Z", "Evil")
	mkcal := testdata(t, "mkcalendar.xml", "NAME", "X")
	type probe struct {
		method, path, body string
		hdr                []string
	}
	targets := func(seg, obj string) []probe {
		c := "/dav/calendars/carol/" + seg + "/"
		a := "/dav/calendars/alice/" + seg + "/"
		return []probe{
			{"PROPFIND", c, "", []string{"Depth", "1"}},
			{"PROPFIND", a, "", []string{"Depth", "0"}},
			{"PROPFIND", a + obj, "", []string{"Depth", "0"}},
			{"GET", c + obj, "", nil},
			{"HEAD", a + obj, "", nil},
			{"PUT", c + obj, ev, []string{"Content-Type", "text/calendar"}},
			{"PUT", a + "new.ics", ev, []string{"Content-Type", "text/calendar"}},
			{"DELETE", c + obj, "", nil},
			{"DELETE", a, "", nil},
			{"PROPPATCH", c, testdata(t, "proppatch.xml"), nil},
			{"MKCALENDAR", c, mkcal, nil},
			{"REPORT", c, testdata(t, "query-month.xml", "START", "20260101T000000Z", "END", "20280101T000000Z"), []string{"Depth", "1"}},
			{"OPTIONS", c, "", nil},
			{"MOVE", "/dav/calendars/carol/autre.main/mine.ics", "", []string{"Destination", c + "x.ics"}},
			{"COPY", "/dav/calendars/carol/autre.main/mine.ics", "", []string{"Destination", "http://bastide.test" + a + "x.ics"}},
		}
	}
	e.put("carol", "/dav/calendars/carol/autre.main/mine.ics", event("mine", "20261205T140000Z", "20261205T150000Z", "Mine")).must(t, 201, "carol seed")
	existing := targets("amis.main", "secret.ics")
	missing := targets("amis.nope", "nope.ics")
	missing2 := targets("zzz.main", "secret.ics")
	for i, p := range existing {
		r := e.do("carol", p.method, p.path, p.body, p.hdr...)
		if r.code != 403 && r.code != 404 {
			t.Fatalf("%s %s: status %d\n%s", p.method, p.path, r.code, r.body)
		}
		r.lacks(t, p.method+" "+p.path, "Secret", "Agenda", "secret.ics")
		for _, m := range []probe{missing[i], missing2[i]} {
			r2 := e.do("carol", m.method, m.path, m.body, m.hdr...)
			if r2.code != r.code || r2.body != r.body {
				t.Fatalf("%s: existing gives %d %q, missing gives %d %q", p.method, r.code, r.body, r2.code, r2.body)
			}
		}
	}
	// Path tricks: dot segments, encoded dots and slashes, double slashes.
	for _, p := range []string{
		"/dav/calendars/carol/../alice/amis.main/secret.ics",
		"/dav/calendars/carol/%2e%2e/alice/amis.main/secret.ics",
		"/dav/calendars/carol/autre.main/%2e%2e/%2e%2e/alice/amis.main/secret.ics",
		"/dav/calendars/carol/autre.main%2F..%2F..%2Falice%2Famis.main/secret.ics",
		"/dav/calendars//alice/amis.main/secret.ics",
		"/dav/calendars/carol//amis.main/secret.ics",
		"/dav/calendars/carol/amis.main/./secret.ics",
		"/dav/calendars/carol/AMIS.main/secret.ics",
		"/dav/calendars/ALICE/amis.main/secret.ics",
	} {
		req, _ := http.NewRequest("GET", "http://bastide.test/", nil)
		req.URL.RawPath = p
		req.URL.Path = p
		if dec, err := urlUnescapePath(p); err == nil {
			req.URL.Path = dec
		}
		req.SetBasicAuth("carol", passwords["carol"])
		rec := newRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != 404 || strings.Contains(rec.Body.String(), "Secret") {
			t.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body.String())
		}
	}
	got, err := e.store.GetEventByHref(context.Background(), e.amisCal.ID, "secret.ics")
	if err != nil || got.Data != secret {
		t.Fatalf("amis changed: %v", err)
	}
	if evs, _ := e.store.ListEvents(context.Background(), e.amisCal.ID, false); len(evs) != 1 {
		t.Fatalf("amis holds %d objects", len(evs))
	}
}

// C-02: multiget hrefs of another calendar answer 404, without data.
func TestMultigetCannotReachOtherCalendars(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"secret.ics", event("secret", "20261205T140000Z", "20261205T150000Z", "Secret")).must(t, 201, "seed")
	e.put("carol", "/dav/calendars/carol/autre.main/mine.ics", event("mine", "20261205T140000Z", "20261205T150000Z", "Mine")).must(t, 201, "seed")
	hrefs := ""
	for _, h := range []string{
		"/dav/calendars/alice/amis.main/secret.ics",
		"/dav/calendars/carol/amis.main/secret.ics",
		"/dav/calendars/carol/autre.main/../../alice/amis.main/secret.ics",
		"/dav/calendars/carol/autre.main/%2e%2e/%2e%2e/alice/amis.main/secret.ics",
		"http://evil.test/dav/calendars/carol/amis.main/secret.ics",
		"/dav/calendars/carol/autre.main/mine.ics",
	} {
		hrefs += "<D:href>" + h + "</D:href>"
	}
	r := e.do("carol", "REPORT", "/dav/calendars/carol/autre.main/", testdata(t, "multiget.xml", "HREFS", hrefs), "Depth", "1").must(t, 207, "multiget")
	r.lacks(t, "multiget", "Secret", "UID:secret").has(t, "multiget", "UID:mine")
	if n := strings.Count(r.body, "404 Not Found"); n != 5 {
		t.Fatalf("%d 404s:\n%s", n, r.body)
	}
}

// C-04, C-05: entities, depth and size of XML bodies.
func TestXMLBodiesAreBounded(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxBody = 64 << 10 })
	e.do("alice", "PROPFIND", amisMain, testdata(t, "billion-laughs.xml"), "Depth", "0").must(t, 400, "billion laughs")
	e.do("alice", "REPORT", amisMain, testdata(t, "xxe.xml"), "Depth", "1").must(t, 400, "xxe")
	// Deep but within the size bound: the depth bound refuses it.
	deep := `<D:propfind xmlns:D="DAV:">` + strings.Repeat("<D:prop>", 3000) + strings.Repeat("</D:prop>", 3000) + "</D:propfind>"
	start := time.Now()
	e.do("alice", "PROPFIND", amisMain, deep, "Depth", "0").must(t, 400, "deep")
	big := `<D:propfind xmlns:D="DAV:"><D:prop>` + strings.Repeat("<D:displayname/>", 100000) + `</D:prop></D:propfind>`
	e.do("alice", "PROPFIND", amisMain, big, "Depth", "0").must(t, 413, "big")
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("refusals took %s", d)
	}
	e.do("alice", "PROPFIND", amisMain, "<D:propfind xmlns:D='DAV:'><D:prop>", "Depth", "0").must(t, 400, "truncated")
	// Multiget size is capped.
	hrefs := strings.Repeat("<D:href>"+amisMain+"x.ics</D:href>", 1001)
	e.do("alice", "REPORT", amisMain, testdata(t, "multiget.xml", "HREFS", hrefs), "Depth", "1").must(t, 403, "multiget cap").
		has(t, "multiget cap", "number-of-matches-within-limits")
}

// C-14: throttling per address and per user, without locking the real
// user out; passwords never reach the logs.
func TestLoginThrottling(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Throttle = model.NewLoginThrottle(5, 8, time.Minute)
	})
	// alice logs in from her usual address first.
	e.doFrom("198.51.100.1:1", "alice", passwords["alice"], "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "alice home")
	// One attacker address: 5 failures, then 429 even with the right password.
	for i := 0; i < 5; i++ {
		e.doFrom("203.0.113.7:1", "alice", "guess"+itoa(i), "PROPFIND", "/dav/", "").must(t, 401, "guess")
	}
	e.doFrom("203.0.113.7:2", "alice", passwords["alice"], "PROPFIND", "/dav/", "").must(t, 429, "address blocked")
	// Unknown users and wrong passwords answer alike.
	e.doFrom("203.0.113.8:1", "nobody", "guess", "PROPFIND", "/dav/", "").must(t, 401, "unknown user")
	// Many addresses (an IPv6 /64 counts as one, spoofed X-Forwarded-For is ignored).
	for i := 0; i < 5; i++ {
		e.doFrom("[2001:db8:1:2::"+itoa(i+1)+"]:1", "bob", "guess", "PROPFIND", "/dav/", "", "X-Forwarded-For", "10.0.0."+itoa(i)).must(t, 401, "v6 guess")
	}
	e.doFrom("[2001:db8:1:2::ff]:1", "bob", passwords["bob"], "PROPFIND", "/dav/", "").must(t, 429, "v6 /64 blocked")
	// Spread over addresses, failures guard the account: a new address is
	// refused, alice's usual address still works.
	for i := 0; i < 3; i++ {
		e.doFrom("192.0.2."+itoa(100+i)+":1", "alice", "guess", "PROPFIND", "/dav/", "").must(t, 401, "spread guess")
	}
	e.doFrom("192.0.2.200:1", "alice", passwords["alice"], "PROPFIND", "/dav/", "").must(t, 429, "guarded account, new address")
	e.doFrom("198.51.100.1:1", "alice", passwords["alice"], "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "known address")
	// Not for long: after the window, alice logs in from anywhere.
	e.advance(2 * time.Minute)
	e.doFrom("192.0.2.200:1", "alice", passwords["alice"], "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "after the window")
	for _, p := range passwords {
		if strings.Contains(e.logs.String(), p) {
			t.Fatalf("a password is in the logs")
		}
	}
	if strings.Contains(e.logs.String(), "guess") {
		t.Fatalf("a tried password is in the logs")
	}
}

func TestAppPasswords(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h, err := hashFor("app-password-123")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.AddAppPassword(ctx, appPassword(e.users["bob"].ID, "phone", h)); err != nil {
		t.Fatal(err)
	}
	e.doFrom("192.0.2.1:1", "bob", "app-password-123", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "app password")
	e.doFrom("192.0.2.1:1", "bob", "", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 401, "empty password")
	e.doFrom("192.0.2.1:1", "bob", strings.Repeat("x", 200), "PROPFIND", "/dav/", "", "Depth", "0").must(t, 401, "long password")
	// A revoked app password stops working once the cache has expired.
	if err := e.store.RevokeAppPassword(ctx, e.users["bob"].ID, "phone"); err != nil {
		t.Fatal(err)
	}
	e.advance(2 * time.Minute)
	e.doFrom("192.0.2.1:1", "bob", "app-password-123", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 401, "revoked")
}

func TestOtherUsersHomeAndPrincipalAreInvisible(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/dav/principals/alice/", "/dav/calendars/alice/", "/dav/principals/nobody/", "/dav/calendars/nobody/"} {
		r := e.do("carol", "PROPFIND", p, "", "Depth", "1")
		r.must(t, 404, p).lacks(t, p, "alice", "amis")
	}
	r := e.do("carol", "PROPFIND", "/dav/principals/", "", "Depth", "1").must(t, 207, "principals")
	r.lacks(t, "principals", "alice", "bob")
}

// A revoked app password, a new password or a disabled account stops
// CalDAV at once, not when the login cache expires.
func TestCredentialChangesVoidCachedLogins(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h, err := hashFor("app-password-456")
	if err != nil {
		t.Fatal(err)
	}
	bob, alice := e.users["bob"], e.users["alice"]
	if err := e.store.AddAppPassword(ctx, appPassword(bob.ID, "tablet", h)); err != nil {
		t.Fatal(err)
	}
	e.doFrom("192.0.2.1:1", "bob", "app-password-456", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "app password")
	if err := e.store.RevokeAppPassword(ctx, bob.ID, "tablet"); err != nil {
		t.Fatal(err)
	}
	e.doFrom("192.0.2.1:1", "bob", "app-password-456", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 401, "revoked, within the cache time")
	e.do("alice", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "alice")
	if err := e.store.SetUserDisabled(ctx, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	e.do("alice", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 401, "disabled, within the cache time")
	if err := e.store.SetUserDisabled(ctx, alice.ID, false); err != nil {
		t.Fatal(err)
	}
	e.do("alice", "PROPFIND", "/dav/", "", "Depth", "0").must(t, 207, "enabled again")
}
