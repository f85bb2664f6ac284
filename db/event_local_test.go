package db_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// ListLocalEvents: an association's own events, newest start first, a
// page at a time, with or without a match on title and place, agrees
// with sorting and filtering them all; events of other origins, to-dos
// and other calendars are left out.
func TestListLocalEvents(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	as, main := dbtest.Association(t, s, "amis")
	second := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: as.ID, Slug: "fetes", Name: "Fêtes", Components: []string{"VEVENT", "VTODO"}}
	if err := s.CreateCalendar(ctx, second); err != nil {
		t.Fatal(err)
	}
	_, other := dbtest.Association(t, s, "autre")
	origin := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)
	var puts []db.Put
	for i := 0; i < 1300; i++ {
		cal := []int64{main.ID, second.ID, other.ID}[i%3]
		ev := dbtest.Event(cal, fmt.Sprintf("ev-%d", i), origin.Add(time.Duration((i*7919)%5000)*time.Hour), fmt.Sprintf("Rencontre n°%d", i))
		switch i % 50 {
		case 7:
			ev.Origin, ev.APID = model.OriginRemote, fmt.Sprintf("https://mobilizon.example/events/%d", i)
		case 8:
			ev.Component = "VTODO"
		}
		puts = append(puts, db.Put{Event: ev})
	}
	res, err := s.PutEvents(ctx, puts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	// What the list must be: every event of the two calendars, local and
	// VEVENT, by start, newest first (ties: newest id first).
	var want []*model.Event
	for _, cal := range []int64{main.ID, second.ID} {
		evs, err := s.ListEvents(ctx, cal, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Origin == model.OriginLocal && e.Component == "VEVENT" {
				want = append(want, e)
			}
		}
	}
	slices.SortFunc(want, func(a, b *model.Event) int {
		if c := b.Start.Compare(a.Start); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	uuids := func(evs []*model.Event) []string {
		var out []string
		for _, e := range evs {
			out = append(out, e.UUID)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		match func(string, string) bool
	}{
		{"all", nil},
		{"titles with a 9", func(sum, _ string) bool { return strings.Contains(sum, "9") }},
		{"one title", func(sum, _ string) bool { return sum == "Rencontre n°1297" }},
		{"none", func(string, string) bool { return false }},
	} {
		var all []*model.Event
		for _, e := range want {
			if c.match == nil || c.match(e.Summary, e.Location) {
				all = append(all, e)
			}
		}
		got, more, err := s.ListLocalEvents(ctx, []int64{main.ID, second.ID}, 200, c.match)
		if err != nil {
			t.Fatal(err)
		}
		page := all[:min(200, len(all))]
		if !slices.Equal(uuids(got), uuids(page)) || more != (len(all) > 200) {
			t.Errorf("%s: got %d events (more %v), want %d (more %v); first %v, want %v", c.name, len(got), more, len(page),
				len(all) > 200, uuids(got)[:min(3, len(got))], uuids(page)[:min(3, len(page))])
		}
	}
	if got, _, err := s.ListLocalEvents(ctx, nil, 200, nil); err != nil || len(got) != 0 {
		t.Fatalf("no calendar: %d events, %v", len(got), err)
	}
}
