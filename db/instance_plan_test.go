package db_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// A listing starts from a filter that matches few events, and walks the
// occurrences in date order (by commune when there is one) when its
// filters match many: SQLite, left to itself, sorted every occurrence of
// 16 000 events matching "loto" for a page of 50.
func TestListingStartsFromTheNarrowFilter(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "foyer")
	start := time.Date(2027, 1, 1, 20, 0, 0, 0, time.UTC)
	var puts []db.Put
	for i := 0; i < 1200; i++ {
		title := "Loto du foyer"
		if i%400 == 0 {
			title = "Bal des pruneaux"
		}
		e := dbtest.Event(cal.ID, fmt.Sprintf("e%d", i), start.Add(time.Duration(i)*time.Hour), title)
		e.Categories = []string{"Loto"}
		if i%400 == 0 {
			e.Categories = []string{"Bal"}
		}
		e.CommuneINSEE = "47001"
		puts = append(puts, db.Put{Event: e})
	}
	if _, err := s.PutEvents(ctx, puts); err != nil {
		t.Fatal(err)
	}
	base := db.InstanceQuery{From: start, To: start.AddDate(1, 0, 0), Public: true}
	cases := []struct {
		name  string
		q     func(q *db.InstanceQuery)
		first string // the first step of the plan: the events of a list, or the occurrences by date
	}{
		{"common word", func(q *db.InstanceQuery) { q.Text = "loto" }, "SEARCH i USING PRIMARY KEY"},
		{"rare word", func(q *db.InstanceQuery) { q.Text = "pruneaux" }, "SEARCH e USING INTEGER PRIMARY KEY"},
		{"common category", func(q *db.InstanceQuery) { q.Categories = []string{"Loto"} }, "SEARCH i USING PRIMARY KEY"},
		{"rare category", func(q *db.InstanceQuery) { q.Categories = []string{"Bal"} }, "SEARCH e USING INTEGER PRIMARY KEY"},
		{"commune and common word", func(q *db.InstanceQuery) { q.Communes = []string{"47001"}; q.Text = "loto" }, "SEARCH i USING INDEX event_instances_commune"},
	}
	for _, c := range cases {
		q := base
		c.q(&q)
		plan, err := s.InstancesPlan(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(plan, "\n")
		// The first table step (list subqueries come as their own lines).
		first := ""
		for _, l := range lines {
			if strings.HasPrefix(l, "SEARCH") || strings.HasPrefix(l, "SCAN") {
				first = l
				break
			}
		}
		if !strings.Contains(first, c.first) {
			t.Errorf("%s: plan starts with %q, want %q\n%s", c.name, first, c.first, plan)
		}
		rows, err := s.ListInstances(ctx, q)
		if err != nil || len(rows) == 0 {
			t.Errorf("%s: %d rows, %v", c.name, len(rows), err)
		}
	}
}

// eventStep is a step of a plan that reads the events e or calendars c.
var eventStep = regexp.MustCompile(`(?m)(SCAN|SEARCH) [ec]( |$)`)

// An agenda feed filtered on what the occurrences carry (the public rule,
// the commune, a category, words) reads no event and no calendar: the
// lookups of a year of occurrences' events were most of the work of a
// category's feed at 100 000 events. A filter on the calendar, or leaving
// out cancelled events, still reads them.
func TestFeedReadsOnlyOccurrences(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "foyer")
	start := time.Date(2027, 1, 1, 20, 0, 0, 0, time.UTC)
	e := dbtest.Event(cal.ID, "e1", start, "Loto du foyer")
	e.Categories = []string{"Loto"}
	if _, err := s.PutEvent(ctx, db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
	base := db.InstanceQuery{From: start, To: start.AddDate(1, 0, 0), Public: true, IncludeCancelled: true,
		Categories: []string{"Loto"}, Communes: []string{"47001"}, Text: "loto"}
	reads := func(q db.InstanceQuery) bool {
		t.Helper()
		plan, err := s.FeedPlan(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return eventStep.MatchString(plan)
	}
	if reads(base) {
		t.Error("a feed filtered on the occurrences reads the events")
	}
	withCal := base
	withCal.CalendarIDs = []int64{cal.ID}
	noCancelled := base
	noCancelled.IncludeCancelled = false
	if !reads(withCal) || !reads(noCancelled) {
		t.Error("a feed filtered on the calendar or without cancellations does not read the events")
	}
	ids, err := s.FeedEventIDs(ctx, db.InstanceQuery{From: start, To: start.AddDate(1, 0, 0), Public: true, IncludeCancelled: true,
		Categories: []string{"Loto"}, Text: "loto"}, 10)
	if err != nil || len(ids) != 1 || ids[0] != e.ID {
		t.Fatalf("feed events %v, %v; want [%d]", ids, err, e.ID)
	}
}
