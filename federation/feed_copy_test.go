package federation

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// TestFeedCopyWinsOverInbox: an event that a subscribed calendar holds
// (its URL the Mobilizon event's id, as Mobilizon's ICS feeds give it)
// and that a followed source then sends to the inbox is on the agenda
// once, the feed's copy, at once: neither the Create nor a later Update
// stores a fediverse copy. Another event of the same source, not in the
// feed, is stored as usual.
func TestFeedCopyWinsOverInbox(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, nil)
	st := newStub(t)
	st.actor("/relay", "Application")
	grp := st.actor("/@grp", "Group")
	if _, _, err := in.fed.Follow(ctx, st.URL()+"/relay", true); err != nil {
		t.Fatal(err)
	}
	a, _ := dbtest.Association(t, in.store, "club")
	cal, _, err := in.store.SubscribeCalendar(ctx, a.ID, "mobilizon", "", true,
		&model.Subscription{URL: "https://feeds.example.org/grp.ics"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour).UTC()
	inFeed, notInFeed := st.URL()+"/events/0b2e7f3c", st.URL()+"/events/7c1d2e3f"

	// The feed's copy, as a refresh writes it.
	text := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mobilizon//FR\r\nBEGIN:VEVENT\r\nUID:0b2e7f3c@feed\r\n" +
		"DTSTAMP:20261101T000000Z\r\nDTSTART:" + start.Format("20060102T150405Z") + "\r\nSUMMARY:Repair café\r\nURL:" + inFeed +
		"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	obj, err := ical.ParseObject([]byte(text), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e, err := obj.Event(time.Now(), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e.CalendarID, e.Href = cal.ID, "0b2e7f3c.ics"
	if _, err := in.store.PutEvent(ctx, db.Put{Event: e, ByUID: true}); err != nil {
		t.Fatal(err)
	}

	deliver := func(typ, id, name string) {
		t.Helper()
		act := createEvent(grp, id, name, start, nil)
		act["type"], act["id"] = typ, id+"/"+typ
		if resp := signedPost(t, in.fed.URIs().SharedInbox(), grp+"#main-key", st.key, mustJSON(t, act)); resp.StatusCode != http.StatusAccepted {
			t.Fatalf("inbox: %d", resp.StatusCode)
		}
		eventually(t, 20*time.Second, "the inbox queue to drain", func() bool {
			n, _ := in.store.InboxQueueLen(ctx)
			return n == 0
		})
	}
	deliver("Create", notInFeed, "Atelier vélo")
	deliver("Create", inFeed, "Repair café")
	deliver("Update", inFeed, "Repair café (nouvelle salle)")

	if _, err := in.store.GetEventByAPID(ctx, notInFeed); err != nil {
		t.Fatalf("the event that is not in the feed was not stored: %v", err)
	}
	if got, err := in.store.GetEventByAPID(ctx, inFeed); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("a fediverse copy of the feed's event is stored (%v): %+v", err, got)
	}
	rows, err := in.store.ListInstances(ctx, db.InstanceQuery{Public: true, From: start.Add(-time.Hour), To: start.Add(time.Hour), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Event.URL == inFeed || r.Event.APID == inFeed {
			n++
			if r.Event.CalendarID != cal.ID {
				t.Errorf("the agenda shows the copy of calendar %d, want the feed's %d", r.Event.CalendarID, cal.ID)
			}
		}
	}
	if n != 1 {
		t.Fatalf("the Repair café is %d times on the agenda", n)
	}
}
