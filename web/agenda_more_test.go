package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// crowdedDay stores n events on one evening (Friday 17 April 2026).
func crowdedDay(t *testing.T, f *fixture, n int) {
	t.Helper()
	cal := f.cals["cine-agen"]
	at := time.Date(2026, 4, 17, 18, 0, 0, 0, time.UTC)
	puts := make([]db.Put, 0, n)
	for i := 0; i < n; i++ {
		puts = append(puts, db.Put{Event: dbtest.Event(cal.ID, fmt.Sprintf("crowd-%d", i), at.Add(time.Duration(i)*time.Second), fmt.Sprintf("Veillée %d", i))})
	}
	res, err := f.s.PutEvents(context.Background(), puts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
}

// The month and week views show a few occurrences a day and say how many
// more there are, whatever their number (they stopped at 2 000 and 1 000
// for the whole grid without a word), with a link to that day's list.
func TestCrowdedDaySaysHowManyMore(t *testing.T) {
	f := newFixture(t)
	crowdedDay(t, f, 2100)
	dayList := "/?" + url.Values{"from": {"2026-04-17"}, "to": {"2026-04-17"}}.Encode()
	cases := []struct {
		path, lang, more string
		shown            int
	}{
		{"/?view=month&month=2026-04", "fr", "&#43;\u00a02096 autres<", monthCellItems},
		{"/?view=week&week=2026-04-17", "fr", "&#43;\u00a02070 autres<", weekDayItems},
		{"/?view=week&week=2026-04-17", "en", "&#43; 2070 more<", weekDayItems},
	}
	for _, c := range cases {
		r := f.get(c.path, "Accept-Language", c.lang)
		if r.code != 200 {
			t.Fatalf("%s: %d", c.path, r.code)
		}
		if !strings.Contains(r.body, c.more) {
			t.Errorf("%s (%s): no %q", c.path, c.lang, c.more)
		}
		if got := strings.Count(r.body, "Veillée "); got != c.shown {
			t.Errorf("%s: %d occurrences of the day shown, want %d", c.path, got, c.shown)
		}
		if !strings.Contains(r.body, `href="`+strings.ReplaceAll(dayList, "&", "&amp;")+`"`) {
			t.Errorf("%s: no link to the list of the day %s", c.path, dayList)
		}
	}
	// The day's list pages through all of them.
	if r := f.get(dayList); r.code != 200 || !strings.Contains(r.body, "Veillée 0<") || !strings.Contains(r.body, `rel="next"`) {
		t.Errorf("the day's list does not start with its first occurrence and page on")
	}
}

// One more is singular in French.
func TestOneMoreIsSingular(t *testing.T) {
	f := newFixture(t)
	crowdedDay(t, f, monthCellItems+1)
	r := f.get("/?view=month&month=2026-04", "Accept-Language", "fr")
	if !strings.Contains(r.body, "&#43;\u00a01 autre<") {
		t.Errorf("no singular %q in the month", "+ 1 autre")
	}
}
