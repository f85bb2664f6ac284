package web

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// A calendar that follows an ICS feed is read-only in the form as it is
// over CalDAV: its events cannot be edited, cancelled or deleted there
// (the refusal names the feed), and nothing changes in the store.
func TestEventFormLeavesSubscribedCalendarsAlone(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	tok := env.session("olga")
	cal, _, err := env.s.SubscribeCalendar(ctx, env.assocs["amis"].ID, "club-google", "Club (Google)", true,
		&model.Subscription{URL: "https://calendar.example.org/club.ics"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/thunderbird_edit.ics")
	if err != nil {
		t.Fatal(err)
	}
	obj, err := ical.ParseObject(data, ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e, err := obj.Event(testNow, ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e.CalendarID, e.Href, e.Origin = cal.ID, "fed.ics", model.OriginLocal
	if _, err := env.s.PutEvent(ctx, db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
	before := env.snapshot()
	base := "/admin/associations/amis/events/" + e.UUID
	env.do("GET", base+"/edit", tok, nil).must(t, http.StatusConflict, "https://calendar.example.org/club.ics")
	for _, p := range []string{"", "/cancel", "/delete"} {
		env.do("POST", base+p, tok, map[string][]string{"etag": {e.ETag}, "confirm": {"1"}, "title": {"Changé"}}).
			must(t, http.StatusConflict, "https://calendar.example.org/club.ics")
	}
	if after := env.snapshot(); after != before {
		t.Fatal("a refused write to a subscribed calendar changed the store")
	}
}
