package caldav

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// A calendar that follows an ICS feed is read-only over CalDAV: every
// write into it, or out of it, is refused with a message naming the feed,
// and nothing changes; reads still work, and removing the subscription
// makes it writable again.
func TestSubscribedCalendarIsReadOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: e.amis.ID, Slug: "autre", Name: "Autre", Public: true}
	if err := e.store.CreateCalendar(ctx, other); err != nil {
		t.Fatal(err)
	}
	otherPath := calPath("alice", "amis.autre")
	flux := calPath("alice", "amis.flux")
	// A calendar that follows a feed, holding one event the refresh wrote.
	sub := &model.Subscription{URL: "webcal://agenda.example.org/club.ics"}
	feedCal, _, err := e.store.SubscribeCalendar(ctx, e.amis.ID, "flux", "", true, sub)
	if err != nil {
		t.Fatal(err)
	}
	ev := dbtest.Event(feedCal.ID, "a@x", time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), "Avant")
	ev.Href = "a.ics"
	if _, err := e.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	e.put("alice", otherPath+"b.ics", event("b@x", "20261202T100000Z", "20261202T110000Z", "Ailleurs")).must(t, 201, "put other")
	const src = "https://agenda.example.org/club.ics"
	refused := func(r resp, what string) {
		t.Helper()
		r.must(t, 403, what).has(t, what, "need-privileges", src)
	}
	refused(e.put("alice", flux+"a.ics", event("a@x", "20261201T100000Z", "20261201T110000Z", "Après")), "put over")
	refused(e.put("bob", calPath("bob", "amis.flux")+"n.ics", event("n@x", "20261203T100000Z", "20261203T110000Z", "Neuf")), "put new")
	refused(e.do("alice", "DELETE", flux+"a.ics", ""), "delete")
	refused(e.do("alice", "MOVE", otherPath+"b.ics", "", "Destination", flux+"b.ics"), "move in")
	refused(e.do("alice", "MOVE", flux+"a.ics", "", "Destination", otherPath+"a.ics"), "move out")
	refused(e.do("alice", "COPY", otherPath+"b.ics", "", "Destination", flux+"b.ics"), "copy in")
	refused(e.do("alice", "PROPPATCH", flux, `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>X</D:displayname></D:prop></D:set></D:propertyupdate>`), "proppatch")

	e.do("alice", "GET", flux+"a.ics", "").must(t, 200, "read").has(t, "read", "SUMMARY:Avant")
	e.do("alice", "GET", otherPath+"b.ics", "").must(t, 200, "source of move kept")
	e.do("alice", "GET", flux+"b.ics", "").must(t, 404, "nothing copied in")
	e.do("alice", "GET", flux+"n.ics", "").must(t, 404, "nothing created")
	e.do("alice", "PROPFIND", flux, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:current-user-privilege-set/></D:prop></D:propfind>`, "Depth", "0").
		must(t, 207, "privileges").has(t, "privileges", "<D:read/>").lacks(t, "privileges", "write-content", "<D:bind/>")

	if err := e.store.DeleteSubscription(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	e.put("alice", flux+"a.ics", event("a@x", "20261201T100000Z", "20261201T110000Z", "Après")).must(t, 204, "writable again")
}

// An archived association's calendars are read-only over CalDAV the same
// way, with the reason given: writes, deletes, moves in and out,
// PROPPATCH and the calendar's deletion are refused and change nothing;
// reads work; un-archiving makes them writable again.
func TestArchivedAssociationIsReadOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.put("alice", amisMain+"a.ics", event("a@x", "20261201T100000Z", "20261201T110000Z", "Avant")).must(t, 201, "put")
	if err := e.store.ArchiveAssociation(ctx, e.amis.ID, true); err != nil {
		t.Fatal(err)
	}
	refused := func(r resp, what string) {
		t.Helper()
		r.must(t, 403, what).has(t, what, "need-privileges", "association is archived")
	}
	refused(e.put("alice", amisMain+"a.ics", event("a@x", "20261201T100000Z", "20261201T110000Z", "Après")), "put over")
	refused(e.put("bob", calPath("bob", "amis.main")+"n.ics", event("n@x", "20261203T100000Z", "20261203T110000Z", "Neuf")), "put new")
	refused(e.do("alice", "DELETE", amisMain+"a.ics", ""), "delete")
	refused(e.do("alice", "PROPPATCH", amisMain, `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>X</D:displayname></D:prop></D:set></D:propertyupdate>`), "proppatch")
	refused(e.do("alice", "DELETE", amisMain, ""), "delete calendar")
	e.do("alice", "GET", amisMain+"a.ics", "").must(t, 200, "read").has(t, "read", "SUMMARY:Avant")
	e.do("alice", "PROPFIND", amisMain, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:current-user-privilege-set/></D:prop></D:propfind>`, "Depth", "0").
		must(t, 207, "privileges").has(t, "privileges", "<D:read/>").lacks(t, "privileges", "write-content", "<D:bind/>")
	if err := e.store.ArchiveAssociation(ctx, e.amis.ID, false); err != nil {
		t.Fatal(err)
	}
	e.put("alice", amisMain+"a.ics", event("a@x", "20261201T100000Z", "20261201T110000Z", "Après")).must(t, 204, "writable again")
}
