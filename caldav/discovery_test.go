package caldav

import (
	"net/http"
	"strings"
	"testing"
)

func TestWellKnownRedirects(t *testing.T) {
	e := newEnv(t)
	for _, m := range []string{"GET", "PROPFIND"} {
		r := e.do("", m, "/.well-known/caldav", "")
		if r.code != http.StatusMovedPermanently || r.header.Get("Location") != "/dav/" {
			t.Fatalf("%s well-known: %d %q", m, r.code, r.header.Get("Location"))
		}
	}
}

func TestAnonymousGetsChallengeAndNoNames(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/dav/", "/dav/principals/", "/dav/principals/alice/", amisMain, amisMain + "x.ics", "/dav/calendars/alice/"} {
		for _, m := range []string{"PROPFIND", "GET", "OPTIONS", "REPORT", "PUT", "DELETE"} {
			r := e.do("", m, p, "")
			r.must(t, http.StatusUnauthorized, m+" "+p)
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Basic ") {
				t.Fatalf("%s %s: challenge %q", m, p, r.header.Get("WWW-Authenticate"))
			}
			r.lacks(t, m+" "+p, "alice", "amis", "Agenda", "main")
		}
	}
	// Wrong password: the same answer.
	r := e.doFrom("192.0.2.9:1", "alice", "wrong", "PROPFIND", "/dav/", "")
	r.must(t, http.StatusUnauthorized, "wrong password")
}

func TestDiscoveryChain(t *testing.T) {
	e := newEnv(t)
	body := testdata(t, "propfind-discovery.xml")
	// current-user-principal on every URL, the root included.
	for _, p := range []string{"/dav/", "/dav/principals/", "/dav/calendars/", "/dav/calendars/alice/", amisMain} {
		e.do("alice", "PROPFIND", p, body, "Depth", "0").must(t, 207, p).
			has(t, p, "<D:current-user-principal><D:href>/dav/principals/alice/</D:href></D:current-user-principal>")
	}
	r := e.do("alice", "PROPFIND", "/dav/principals/alice/", body, "Depth", "0").must(t, 207, "principal")
	r.has(t, "principal",
		"<D:principal-URL><D:href>/dav/principals/alice/</D:href></D:principal-URL>",
		"<C:calendar-home-set><D:href>/dav/calendars/alice/</D:href></C:calendar-home-set>",
		"<D:href>mailto:alice@example.org</D:href>",
		"<D:displayname>Alice</D:displayname>",
		"<D:principal/>")
	// OPTIONS advertises calendar-access on principal, home and calendar.
	for _, p := range []string{"/dav/principals/alice/", "/dav/calendars/alice/", amisMain} {
		r := e.do("alice", "OPTIONS", p, "").must(t, 200, "OPTIONS "+p)
		if dav := r.header.Get("DAV"); !strings.Contains(dav, "calendar-access") || !strings.Contains(dav, "1") || strings.Contains(dav, "2") {
			t.Fatalf("OPTIONS %s: DAV %q", p, dav)
		}
		if !strings.Contains(r.header.Get("Allow"), "PROPFIND") {
			t.Fatalf("OPTIONS %s: Allow %q", p, r.header.Get("Allow"))
		}
	}
	if a := e.do("alice", "OPTIONS", amisMain, "").header.Get("Allow"); !strings.Contains(a, "MKCALENDAR") || !strings.Contains(a, "REPORT") {
		t.Fatalf("calendar Allow %q", a)
	}
}

func TestHomeListsSharedCalendarsWithPrivilegesByRole(t *testing.T) {
	e := newEnv(t)
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/perso/", testdata(t, "mkcalendar.xml", "NAME", "Perso")).must(t, 201, "mkcalendar")
	body := testdata(t, "propfind-home.xml")
	r := e.do("alice", "PROPFIND", "/dav/calendars/alice/", body, "Depth", "1").must(t, 207, "home")
	r.has(t, "home", "<D:href>/dav/calendars/alice/amis.main/</D:href>", "<D:href>/dav/calendars/alice/perso/</D:href>",
		"<C:calendar/>", `<C:comp name="VEVENT"/><C:comp name="VTODO"/>`, "<D:sync-collection/>", "<D:write-properties/>",
		"<A:calendar-color>#3366CC</A:calendar-color>")
	r.lacks(t, "home", "autre")

	// bob edits: he writes events but not calendar properties.
	r = e.do("bob", "PROPFIND", "/dav/calendars/bob/", body, "Depth", "1").must(t, 207, "bob home")
	r.has(t, "bob home", "<D:href>/dav/calendars/bob/amis.main/</D:href>", "<D:write-content/>", "<D:bind/>")
	r.lacks(t, "bob home", "<D:write-properties/>", "<D:all/>", "perso")
	// victor only reads.
	r = e.do("victor", "PROPFIND", "/dav/calendars/victor/amis.main/", testdata(t, "propfind-calendar.xml"), "Depth", "0").must(t, 207, "victor")
	r.has(t, "victor", "<D:read/>").lacks(t, "victor", "<D:write-content/>", "<D:write/>", "<D:bind/>")
	// carol does not see amis at all.
	e.do("carol", "PROPFIND", "/dav/calendars/carol/", body, "Depth", "1").must(t, 207, "carol").
		has(t, "carol", "/dav/calendars/carol/autre.main/").lacks(t, "carol", "amis")
}

func TestCalendarPropertiesForClients(t *testing.T) {
	e := newEnv(t)
	body := testdata(t, "propfind-calendar.xml")
	r := e.do("alice", "PROPFIND", amisMain, body, "Depth", "0").must(t, 207, "calendar")
	r.has(t, "calendar", "<D:owner><D:href>/dav/principals/alice/</D:href></D:owner>",
		"<C:max-resource-size>1048576</C:max-resource-size>", "<D:report><C:calendar-query/></D:report>",
		"<D:report><C:calendar-multiget/></D:report>", "<D:report><C:free-busy-query/></D:report>",
		"<D:report><D:sync-collection/></D:report>", "<CS:getctag>", "<D:sync-token>")
	// Apple looks for sync-collection on the home too.
	e.do("alice", "PROPFIND", "/dav/calendars/alice/", `<D:propfind xmlns:D="DAV:"><D:prop><D:supported-report-set/></D:prop></D:propfind>`, "Depth", "0").
		must(t, 207, "home reports").has(t, "home reports", "<D:sync-collection/>")

	// The CTag changes with every write.
	ctag := func() string {
		b := e.do("alice", "PROPFIND", amisMain, body, "Depth", "0").body
		i := strings.Index(b, "<CS:getctag>")
		j := strings.Index(b, "</CS:getctag>")
		return b[i:j]
	}
	before := ctag()
	e.put("alice", amisMain+"x.ics", event("x", "20261205T140000Z", "20261205T150000Z", "X")).must(t, 201, "put")
	if after := ctag(); after == before {
		t.Fatalf("getctag did not change: %s", after)
	}
}

func TestPropfindDepthAndMinimal(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"x.ics", event("x", "20261205T140000Z", "20261205T150000Z", "X")).must(t, 201, "put")
	// Depth infinity is refused; no Depth means 0.
	e.do("alice", "PROPFIND", "/dav/calendars/alice/", "", "Depth", "infinity").must(t, 403, "infinity").has(t, "infinity", "propfind-finite-depth")
	r := e.do("alice", "PROPFIND", amisMain, testdata(t, "propfind-etags.xml")).must(t, 207, "no depth")
	if n := strings.Count(r.body, "<D:response>"); n != 1 {
		t.Fatalf("no Depth gave %d responses", n)
	}
	r = e.do("alice", "PROPFIND", amisMain, testdata(t, "propfind-etags.xml"), "Depth", "1").must(t, 207, "depth 1")
	r.has(t, "depth 1", "<D:href>/dav/calendars/alice/amis.main/x.ics</D:href>", "<D:getetag>&quot;", "text/calendar")
	// Prefer: return=minimal drops the 404 propstats.
	r = e.do("alice", "PROPFIND", amisMain, testdata(t, "propfind-etags.xml"), "Depth", "1", "Prefer", "return=minimal", "Brief", "t").must(t, 207, "minimal")
	r.lacks(t, "minimal", "404 Not Found")
}

// The cache of PROPFIND listings never serves an answer older than the
// calendar, nor one user's answer to another.
func TestListingCacheFollowsChanges(t *testing.T) {
	e := newEnv(t)
	body := `<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:current-user-privilege-set/></D:prop></D:propfind>`
	e.put("alice", amisMain+"a.ics", event("a", "20261205T140000Z", "20261205T150000Z", "A")).must(t, 201, "a")
	for i := 0; i < 2; i++ {
		e.do("alice", "PROPFIND", amisMain, body, "Depth", "1").must(t, 207, "alice").has(t, "alice", amisMain+"a.ics", "<D:all/>")
		e.do("victor", "PROPFIND", calPath("victor", "amis.main"), body, "Depth", "1").must(t, 207, "victor").
			has(t, "victor", "/dav/calendars/victor/amis.main/a.ics").lacks(t, "victor", "<D:all/>", "/alice/")
	}
	put := e.put("bob", calPath("bob", "amis.main")+"b.ics", event("b", "20261205T140000Z", "20261205T150000Z", "B")).must(t, 201, "b")
	r := e.do("alice", "PROPFIND", amisMain, body, "Depth", "1").must(t, 207, "after put")
	r.has(t, "after put", amisMain+"b.ics", strings.ReplaceAll(put.header.Get("ETag"), `"`, "&quot;"))
	e.do("alice", "DELETE", amisMain+"a.ics", "").must(t, 204, "delete")
	e.do("alice", "PROPFIND", amisMain, body, "Depth", "1").must(t, 207, "after delete").lacks(t, "after delete", "a.ics")
}
