package load

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

var testNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// subscribed makes a calendar of a that follows a feed.
func subscribed(t *testing.T, store *db.Store, a *model.Association, slug string) *model.Calendar {
	t.Helper()
	ctx := context.Background()
	c, _, err := store.SubscribeCalendar(ctx, a.ID, slug, "", true, &model.Subscription{URL: "https://feeds.example.org/" + slug + ".ics"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pulled stores an event as the fediverse brings it (federation's pull:
// UID and ActivityPub id both the Mobilizon event's id).
func pulled(t *testing.T, store *db.Store, apID, summary string) db.PutResult {
	t.Helper()
	ctx := context.Background()
	cal := &model.Calendar{Kind: model.CalendarRemote, Slug: "mobilizon-group", Name: "Groupe", Public: true, Trusted: true,
		Source: "https://mobilizon.example/@groupe"}
	if existing, err := store.GetCalendarBySource(ctx, cal.Source); err == nil {
		cal = existing
	} else if err := store.CreateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	text := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//pull//FR\r\nBEGIN:VEVENT\r\nUID:" + apID +
		"\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20270110T180000Z\r\nDTEND:20270110T200000Z\r\nSUMMARY:" + summary +
		"\r\nURL:" + apID + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	obj, err := ical.ParseObject([]byte(text), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e, err := obj.Event(testNow, ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e.CalendarID, e.Href, e.Origin, e.APID = cal.ID, Href(apID), model.OriginRemote, apID
	res, err := store.PutEvent(ctx, db.Put{Event: e, ByUID: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// agendaCopies returns the calendars of the public occurrences whose
// summary contains s.
func agendaCopies(t *testing.T, store *db.Store, s string) []int64 {
	t.Helper()
	rows, err := store.ListInstances(context.Background(), db.InstanceQuery{Public: true,
		From: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range rows {
		if strings.Contains(r.Event.Summary, s) {
			out = append(out, r.Event.CalendarID)
		}
	}
	return out
}

// The same Mobilizon event arriving by a group's ICS feed and by the
// fediverse is on the agenda once, whichever came first, as soon as the
// second one arrives (no refresh in between), and the copy shown is the
// subscribed calendar's.
func TestFeedAndFediverseNotTwice(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	a, _ := dbtest.Association(t, store, "club")
	cal := subscribed(t, store, a, "mobilizon")
	feed := readTestdata(t, "mobilizon-group.ics")

	// The fediverse first: the feed's copy replaces it.
	pulled(t, store, "https://mobilizon.example/events/0b2e7f3c-5a4d-4e61-9a0b-3c2d1e0f9a88", "Repair café")
	if got := agendaCopies(t, store, "Repair café"); len(got) != 1 {
		t.Fatalf("the Repair café is %d times on the agenda before the feed", len(got))
	}
	rep, err := ICS(ctx, store, a, feed, Options{Feed: cal, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Replaced != 1 || rep.Added != 2 || len(rep.Refused) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if got := agendaCopies(t, store, "Repair café"); len(got) != 1 || got[0] != cal.ID {
		t.Fatalf("the Repair café is on the agenda from calendars %v, want once from the feed's %d", got, cal.ID)
	}

	// The feed first: the fediverse's copy is not written, at once.
	if got := agendaCopies(t, store, "Atelier vélo"); len(got) != 1 {
		t.Fatalf("the Atelier vélo is %d times on the agenda before the pull", len(got))
	}
	// The fediverse may spell the host in capitals: the same id.
	res := pulled(t, store, "https://Mobilizon.example/events/7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "Atelier vélo")
	if !res.HeldByFeed || res.Created {
		t.Fatalf("the fediverse's copy was written: %+v", res)
	}
	if got := agendaCopies(t, store, "Atelier vélo"); len(got) != 1 || got[0] != cal.ID {
		t.Fatalf("the Atelier vélo is on the agenda from calendars %v, want once from the feed's %d", got, cal.ID)
	}
	if _, err := store.GetEventByAPID(ctx, "https://mobilizon.example/events/7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("the fediverse's copy is stored: %v", err)
	}

	// The next refresh changes nothing.
	rep, err = ICS(ctx, store, a, feed, Options{Feed: cal, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Replaced != 0 || rep.Deleted != 0 || rep.Unchanged != 2 {
		t.Fatalf("report %+v", rep)
	}
	for _, s := range []string{"Repair café", "Atelier vélo"} {
		if got := agendaCopies(t, store, s); len(got) != 1 {
			t.Fatalf("%s is %d times on the agenda after a refresh", s, len(got))
		}
	}
}

// A private subscribed calendar's copy is not on the agenda: the
// fediverse's copy stays and is shown, once.
func TestPrivateFeedHidesNoFediverseCopy(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	a, _ := dbtest.Association(t, store, "club")
	cal, _, err := store.SubscribeCalendar(ctx, a.ID, "interne", "", false, &model.Subscription{URL: "https://feeds.example.org/interne.ics"})
	if err != nil {
		t.Fatal(err)
	}
	pulled(t, store, "https://mobilizon.example/events/0b2e7f3c-5a4d-4e61-9a0b-3c2d1e0f9a88", "Repair café")
	rep, err := ICS(ctx, store, a, readTestdata(t, "mobilizon-group.ics"), Options{Feed: cal, Now: testNow})
	if err != nil || rep.Replaced != 0 || rep.Added != 2 {
		t.Fatalf("report %+v %v", rep, err)
	}
	if res := pulled(t, store, "https://mobilizon.example/events/7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "Atelier vélo"); !res.Created {
		t.Fatalf("the fediverse's copy was not written: %+v", res)
	}
	for _, s := range []string{"Repair café", "Atelier vélo"} {
		if got := agendaCopies(t, store, s); len(got) != 1 || got[0] == cal.ID {
			t.Fatalf("%s is on the agenda from calendars %v, want once from the fediverse's", s, got)
		}
	}
}

// Options.Feed deletes what left the feed, but never on text that could
// not be read whole.
func TestFeedDeletesOnlyOnAWholeFeed(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	a, _ := dbtest.Association(t, store, "club")
	cal := subscribed(t, store, a, "flux")
	feed := readTestdata(t, "mobilizon-group.ics")
	if rep, err := ICS(ctx, store, a, feed, Options{Feed: cal, Now: testNow}); err != nil || rep.Added != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	cut := feed[:len(feed)-len("END:VCALENDAR\r\n")-200]
	if _, err := ICS(ctx, store, a, cut, Options{Feed: cal, Now: testNow}); err == nil {
		t.Fatal("a cut feed was applied")
	}
	if evs, _ := store.ListEvents(ctx, cal.ID, false); len(evs) != 2 {
		t.Fatalf("%d events after a cut feed, want 2", len(evs))
	}
	// An import (not the refresh) into the subscribed calendar is refused.
	if _, err := ICS(ctx, store, a, feed, Options{CalendarSlug: "flux"}); err == nil || !strings.Contains(err.Error(), "https://feeds.example.org/flux.ics") {
		t.Fatalf("import into a subscribed calendar: %v", err)
	}
}

// A feed where thousands of objects are broken: the good ones are
// applied, each broken one is refused with its reason, and the stored
// copies of the broken ones stay (they are in the feed, only unreadable).
func TestFeedWithThousandsOfBrokenObjects(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	a, _ := dbtest.Association(t, store, "club")
	cal := subscribed(t, store, a, "flux")
	const n = 3000
	var good, bad strings.Builder
	good.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n")
	bad.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n")
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("ev-%04d@club", i)
		good.WriteString("BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20270110T180000Z\r\nSUMMARY:Bon\r\nEND:VEVENT\r\n")
		if i%1000 == 0 {
			bad.WriteString("BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20270111T180000Z\r\nSUMMARY:Changé\r\nEND:VEVENT\r\n")
			continue
		}
		// Ends before it starts.
		bad.WriteString("BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20270110T180000Z\r\nDTEND:20270110T170000Z\r\nSUMMARY:Cassé\r\nEND:VEVENT\r\n")
	}
	good.WriteString("END:VCALENDAR\r\n")
	bad.WriteString("END:VCALENDAR\r\n")
	if rep, err := ICS(ctx, store, a, []byte(good.String()), Options{Feed: cal, Now: testNow}); err != nil || rep.Added != n {
		t.Fatalf("%+v %v", rep, err)
	}
	rep, err := ICS(ctx, store, a, []byte(bad.String()), Options{Feed: cal, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 3 || len(rep.Refused) != n-3 || rep.Deleted != 0 {
		t.Fatalf("updated %d, refused %d, deleted %d", rep.Updated, len(rep.Refused), rep.Deleted)
	}
	if r := rep.Refused[0]; r.UID != "ev-0001@club" || r.Code != ical.CodeEndBeforeStart || !strings.Contains(r.Detail, "DTEND") {
		t.Fatalf("first refusal %+v", r)
	}
	evs, _ := store.ListEvents(ctx, cal.ID, false)
	if len(evs) != n {
		t.Fatalf("%d events stored, want %d", len(evs), n)
	}
}
