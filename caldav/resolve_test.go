package caldav

import (
	"context"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Calendars are resolved from a cache while nothing is written; a change
// of access made by another process (the admin's command line) holds at
// the very next request: a role lowered, a membership removed, a calendar
// renamed.
func TestResolutionCacheSeesAccessChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bob := e.users["bob"]
	bobCal := calPath("bob", "amis.main")
	e.put("alice", amisMain+"r.ics", event("r", "20261210T100000Z", "20261210T110000Z", "réunion")).must(t, 201, "put")
	for i := 0; i < 2; i++ { // the second time from the cache
		e.do("bob", "GET", bobCal+"r.ics", "").must(t, 200, "bob reads")
		e.do("bob", "PROPFIND", bobCal, "", "Depth", "0").must(t, 207, "bob lists")
	}
	if n := len(e.h.(*handler).resolved.m); n == 0 {
		t.Fatal("nothing was cached: the test would prove nothing")
	}

	other, err := db.Open(ctx, e.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	// bob becomes a viewer: he may still read, no longer write.
	if err := other.SetMembership(ctx, &model.Membership{UserID: bob.ID, AssociationID: e.amis.ID, Role: model.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	e.do("bob", "GET", bobCal+"r.ics", "").must(t, 200, "viewer reads")
	if r := e.put("bob", bobCal+"r.ics", event("r", "20261210T100000Z", "20261210T110000Z", "changé par bob")); r.code != 403 {
		t.Fatalf("a viewer's PUT answered %d, want 403", r.code)
	}

	// bob leaves the association: nothing of it is reachable.
	if err := other.RemoveMembership(ctx, bob.ID, e.amis.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"GET", "PROPFIND", "DELETE"} {
		if r := e.do("bob", m, bobCal+"r.ics", "", "Depth", "0"); r.code != 404 {
			t.Fatalf("%s by a former member answered %d, want 404", m, r.code)
		}
	}

	// The calendar's name changes, then the calendar is deleted.
	e.do("alice", "GET", amisMain+"r.ics", "").must(t, 200, "alice reads")
	named := *e.amisCal
	named.Name = "Agenda renommé"
	if err := other.UpdateCalendar(ctx, &named); err != nil {
		t.Fatal(err)
	}
	r := e.do("alice", "PROPFIND", amisMain, `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:displayname/></D:prop></D:propfind>`, "Depth", "0").must(t, 207, "propfind")
	if !strings.Contains(r.body, "Agenda renommé") {
		t.Fatalf("the new name is not seen:\n%s", r.body)
	}
	if err := other.DeleteCalendar(ctx, e.amisCal.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"GET", "PROPFIND"} {
		if r := e.do("alice", m, amisMain+"r.ics", "", "Depth", "0"); r.code != 404 {
			t.Fatalf("%s in a deleted calendar answered %d, want 404", m, r.code)
		}
	}
}

// Options.Without.Resolution (for caldav-bench) leaves no cache and
// changes no answer: the access rules are the store's either way.
func TestWithoutResolutionCache(t *testing.T) {
	answers := map[bool][]string{}
	for _, off := range []bool{false, true} {
		e := newEnv(t, func(o *Options) { o.Without.Resolution = off })
		if got := e.h.(*handler).resolved == nil; got != off {
			t.Fatalf("resolution cache off %v, want %v", got, off)
		}
		e.put("alice", amisMain+"r.ics", event("r", "20261210T100000Z", "20261210T110000Z", "réunion")).must(t, 201, "put")
		for i := 0; i < 2; i++ {
			for _, user := range []string{"alice", "bob", "carol"} {
				r := e.do(user, "GET", calPath(user, "amis.main")+"r.ics", "")
				answers[off] = append(answers[off], user+" "+itoa(r.code)+" "+r.header.Get("ETag"))
			}
		}
	}
	if strings.Join(answers[false], "\n") != strings.Join(answers[true], "\n") {
		t.Fatalf("answers differ:\nwith the cache:\n%s\nwithout:\n%s", strings.Join(answers[false], "\n"), strings.Join(answers[true], "\n"))
	}
	if !strings.Contains(strings.Join(answers[true], "\n"), "alice 200") {
		t.Fatalf("alice could not read her association's event: %v", answers[true])
	}
}
