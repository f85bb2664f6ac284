package caldav

import (
	"context"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

func TestMkcalendarPersonalAtTheClientsURL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Apple names new calendars with upper-case UUIDs: the URL is kept.
	p := "/dav/calendars/alice/5F3C2A10-8B2E-4E1F-9C3D-0A1B2C3D4E5F/"
	r := e.do("alice", "MKCALENDAR", p, testdata(t, "mkcalendar.xml", "NAME", "Bureau"))
	r.must(t, 201, "mkcalendar")
	if r.header.Get("Location") != p {
		t.Fatalf("Location %q", r.header.Get("Location"))
	}
	e.do("alice", "MKCALENDAR", p, "").must(t, 403, "exists").has(t, "exists", "<D:resource-must-be-null/>")
	home := e.do("alice", "PROPFIND", "/dav/calendars/alice/", testdata(t, "propfind-home.xml"), "Depth", "1").must(t, 207, "home")
	home.has(t, "home", "<D:href>"+p+"</D:href>", "<D:displayname>Bureau</D:displayname>", `<C:comp name="VEVENT"/></C:supported-calendar-component-set>`)
	cal, err := e.store.GetPersonalCalendar(ctx, e.users["alice"].ID, "5f3c2a10-8b2e-4e1f-9c3d-0a1b2c3d4e5f")
	if err != nil || cal.Description != "Réunions du bureau" || cal.Color != "#3366CC" || cal.Order != 3 {
		t.Fatalf("stored %+v %v", cal, err)
	}
	e.put("alice", p+"x.ics", event("x", "20261205T140000Z", "20261205T150000Z", "X")).must(t, 201, "put in new calendar")
	// Nobody else sees it.
	e.do("bob", "PROPFIND", "/dav/calendars/bob/", "", "Depth", "1").must(t, 207, "bob").lacks(t, "bob", "5F3C2A10")

	// Without a displayname, none is made up: clients show their own name.
	e.do("alice", "MKCOL", "/dav/calendars/alice/vdir/", testdata(t, "mkcol-vdirsyncer.xml")).must(t, 201, "extended mkcol")
	r = e.do("alice", "PROPFIND", "/dav/calendars/alice/vdir/", `<D:propfind xmlns:D="DAV:"><D:prop><D:displayname/><D:resourcetype/></D:prop></D:propfind>`, "Depth", "0")
	r.must(t, 207, "vdir").has(t, "vdir", "<C:calendar/>", "<D:displayname/></D:prop><D:status>HTTP/1.1 404")
	// Apple's server-side subscriptions are refused (the app keeps them).
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/sub/", `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"><D:set><D:prop><D:resourcetype><D:collection/><CS:subscribed/></D:resourcetype><CS:source><D:href>https://example.org/feed.ics</D:href></CS:source></D:prop></D:set></C:mkcalendar>`).
		must(t, 403, "subscription").has(t, "subscription", "valid-resourcetype")
	// Plain MKCOL and bad names are refused with a reason.
	e.do("alice", "MKCOL", "/dav/calendars/alice/plain/", "").must(t, 403, "plain mkcol")
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/Bad.Name/", "").must(t, 403, "bad name").has(t, "bad name", "calendar-collection-location-ok")
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/amis.main/x/", "").must(t, 403, "nested")
	e.do("alice", "MKCALENDAR", "/dav/calendars/bob/mine/", "").must(t, 404, "in another home")
}

func TestMkcalendarAssociationOnlyByOwners(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/amis.bureau/", testdata(t, "mkcalendar.xml", "NAME", "Bureau")).must(t, 201, "owner")
	c, err := e.store.GetAssociationCalendar(ctx, e.amis.ID, "bureau")
	if err != nil || c.Kind != model.CalendarAssociation || c.Name != "Bureau" || c.Public {
		t.Fatalf("stored %+v %v", c, err)
	}
	// Every member sees it at once.
	e.do("bob", "PROPFIND", "/dav/calendars/bob/", "", "Depth", "1").must(t, 207, "bob").has(t, "bob", "/dav/calendars/bob/amis.bureau/")
	// An editor cannot; a non-member gets the same answer as for an association that does not exist.
	forb := e.do("bob", "MKCALENDAR", "/dav/calendars/bob/amis.autre-chose/", "").must(t, 403, "editor")
	r1 := e.do("carol", "MKCALENDAR", "/dav/calendars/carol/amis.pirate/", "").must(t, 403, "non-member")
	r2 := e.do("carol", "MKCALENDAR", "/dav/calendars/carol/nowhere.pirate/", "").must(t, 403, "no association")
	if r1.body != r2.body || forb.body != r1.body {
		t.Fatalf("bodies differ: %q %q %q", forb.body, r1.body, r2.body)
	}
	if _, err := e.store.GetAssociationCalendar(ctx, e.amis.ID, "pirate"); err == nil {
		t.Fatal("carol created a calendar in amis")
	}
	// Deleting: owners only.
	e.do("bob", "DELETE", "/dav/calendars/bob/amis.bureau/", "").must(t, 403, "editor delete")
	e.do("alice", "DELETE", "/dav/calendars/alice/amis.bureau/", "").must(t, 204, "owner delete")
	e.do("alice", "PROPFIND", "/dav/calendars/alice/amis.bureau/", "", "Depth", "0").must(t, 404, "deleted")
}

func TestProppatch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.do("alice", "PROPPATCH", amisMain, testdata(t, "proppatch.xml")).must(t, 207, "proppatch")
	if strings.Contains(r.body, "403") || strings.Contains(r.body, "424") {
		t.Fatalf("proppatch refused something:\n%s", r.body)
	}
	c, _ := e.store.GetCalendar(ctx, e.amisCal.ID)
	if c.Name != "Bureau de l'association" || c.Description != "Tout le bureau" || c.Color != "#FF8800FF" || c.Order != 7 || !strings.Contains(c.Timezone, "TZID:Europe/Paris") {
		t.Fatalf("stored %+v", c)
	}
	q := `<D:propfind xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/" xmlns:X="http://example.org/ns/" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:displayname/><A:calendar-color/><A:calendar-order/><X:sidebar-state/><C:calendar-description/></D:prop></D:propfind>`
	e.do("bob", "PROPFIND", calPath("bob", "amis.main"), q, "Depth", "0").must(t, 207, "read back").
		has(t, "read back", "<D:displayname>Bureau de l'association</D:displayname>", "<A:calendar-color>#FF8800FF</A:calendar-color>",
			"<A:calendar-order>7</A:calendar-order>", `<X:open xmlns:X="http://example.org/ns/">yes</X:open>`, "Tout le bureau")
	// A protected property fails, and takes the others down with it (424).
	r = e.do("alice", "PROPPATCH", amisMain, testdata(t, "proppatch-protected.xml")).must(t, 207, "protected")
	r.has(t, "protected", "403 Forbidden", "424 Failed Dependency")
	if c, _ := e.store.GetCalendar(ctx, e.amisCal.ID); c.Name == "Renamed" {
		t.Fatal("the displayname changed despite the failure")
	}
	// Bad colour: 409.
	e.do("alice", "PROPPATCH", amisMain, `<D:propertyupdate xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><A:calendar-color>red</A:calendar-color></D:prop></D:set></D:propertyupdate>`).
		must(t, 207, "bad colour").has(t, "bad colour", "409 Conflict")
	// Remove the dead property.
	e.do("alice", "PROPPATCH", amisMain, `<D:propertyupdate xmlns:D="DAV:" xmlns:X="http://example.org/ns/"><D:remove><D:prop><X:sidebar-state/></D:prop></D:remove></D:propertyupdate>`).must(t, 207, "remove")
	e.do("alice", "PROPFIND", amisMain, q, "Depth", "0").must(t, 207, "after remove").lacks(t, "after remove", "<X:open")
	// Editors and viewers cannot.
	e.do("bob", "PROPPATCH", calPath("bob", "amis.main"), testdata(t, "proppatch.xml")).must(t, 403, "editor")
	e.do("victor", "PROPPATCH", calPath("victor", "amis.main"), testdata(t, "proppatch.xml")).must(t, 403, "viewer")
}
