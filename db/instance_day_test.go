package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// TestCountByDayPutsEachOccurrenceInItsDay counts a month whose days are
// Paris days (October 2027, whose last Sunday leaves summer time): timed
// occurrences half an hour either side of midnight, an all-day one (wall
// clock), one that began the month before, one just after the month.
func TestCountByDayPutsEachOccurrenceInItsDay(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "foyer")
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	var d db.Days
	for k := 0; k <= 31; k++ {
		d.Timed = append(d.Timed, time.Date(2027, 10, 1+k, 0, 0, 0, 0, paris))
		d.Wall = append(d.Wall, time.Date(2027, 10, 1+k, 0, 0, 0, 0, time.UTC))
	}
	put := func(uid string, start time.Time, length time.Duration, allDay bool) {
		t.Helper()
		e := dbtest.Event(cal.ID, uid, start, "Réunion "+uid)
		e.AllDay = allDay
		e.End = start.Add(length)
		e.Instances[0].End = e.End
		if _, err := s.PutEvent(ctx, db.Put{Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	put("late", time.Date(2027, 10, 5, 23, 30, 0, 0, paris), time.Hour, false)
	put("early", time.Date(2027, 10, 6, 0, 30, 0, 0, paris), time.Hour, false)
	put("allday", time.Date(2027, 10, 6, 0, 0, 0, 0, time.UTC), 24*time.Hour, true)
	put("lastday", time.Date(2027, 10, 31, 0, 30, 0, 0, paris), time.Hour, false)
	put("before", time.Date(2027, 9, 30, 20, 0, 0, 0, paris), 48*time.Hour, false)
	put("after", time.Date(2027, 11, 1, 0, 30, 0, 0, paris), time.Hour, false)
	_, _, counts, err := s.ListInstancesByDay(ctx, db.InstanceQuery{Public: true, IncludeCancelled: true}, d, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int, 31)
	want[0], want[4], want[5], want[30] = 1, 1, 2, 1
	for k := range want {
		if counts[k] != want[k] {
			t.Errorf("October %d: %d occurrences, want %d (all: %v)", k+1, counts[k], want[k], counts)
		}
	}
}
