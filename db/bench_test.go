package db_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// BenchmarkEventWrite measures one event write with its occurrence and its
// change row, synchronous=FULL, against the floor of this disk: a bare
// one-row commit of the same size on the same connection.
func BenchmarkEventWrite(b *testing.B) {
	ctx := context.Background()
	s := dbtest.New(b)
	_, cal := dbtest.Association(b, s, "bench")
	base := time.Date(2027, 3, 1, 18, 0, 0, 0, time.UTC)
	pad := strings.Repeat("x", 1500)
	var evTimes, rawTimes []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev := dbtest.Event(cal.ID, fmt.Sprintf("w%d", i), base.Add(time.Duration(i)*time.Hour), "Répétition de la chorale")
		ev.Description = pad
		t0 := time.Now()
		if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			b.Fatal(err)
		}
		evTimes = append(evTimes, time.Since(t0))
		t0 = time.Now()
		if err := s.SetMeta(ctx, fmt.Sprintf("bench-%d", i), pad); err != nil {
			b.Fatal(err)
		}
		rawTimes = append(rawTimes, time.Since(t0))
	}
	b.StopTimer()
	me, mr := median(evTimes), median(rawTimes)
	b.ReportMetric(float64(me.Microseconds()), "event-write-median-µs")
	b.ReportMetric(float64(mr.Microseconds()), "bare-commit-median-µs")
	b.ReportMetric(float64(me)/float64(mr), "x-bare-commit")
}

var (
	bigOnce  sync.Once
	bigStore *db.Store
	bigErr   error
	bigDir   string
)

// bigAgenda stores 100 000 events over 40 calendars of 20 associations,
// spread over two years around 2027-01-01, one in ten weekly over ten weeks.
func bigAgenda(b *testing.B) *db.Store {
	bigOnce.Do(func() {
		ctx := context.Background()
		bigDir, bigErr = os.MkdirTemp("", "bastide-bench-")
		if bigErr != nil {
			return
		}
		bigStore, bigErr = db.Open(ctx, filepath.Join(bigDir, "big.db"))
		if bigErr != nil {
			return
		}
		var cals []int64
		for a := 0; a < 20; a++ {
			as := &model.Association{Slug: fmt.Sprintf("asso-%d", a), Name: fmt.Sprintf("Asso %d", a)}
			if bigErr = bigStore.CreateAssociation(ctx, as); bigErr != nil {
				return
			}
			for c := 0; c < 2; c++ {
				cal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: as.ID, Slug: fmt.Sprintf("c%d", c),
					Name: "Agenda", Public: c == 0, Components: []string{"VEVENT"}}
				if bigErr = bigStore.CreateCalendar(ctx, cal); bigErr != nil {
					return
				}
				cals = append(cals, cal.ID)
			}
		}
		origin := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		communes := model.Communes()
		const n = 100000
		batch := make([]db.Put, 0, 1000)
		for i := 0; i < n; i++ {
			start := origin.Add(time.Duration((i*7919)%(2*365*24)) * time.Hour)
			ev := dbtest.Event(cals[i%len(cals)], fmt.Sprintf("big-%d", i), start, fmt.Sprintf("Événement %d", i))
			ev.CommuneINSEE = communes[i%len(communes)].INSEE
			ev.Categories = []string{[]string{"MUSIC", "SPORTS", "MARKET", "MEETING"}[i%4]}
			if i%10 == 0 {
				ev.Recurring = true
				for k := 1; k < 10; k++ {
					d := time.Duration(k) * 7 * 24 * time.Hour
					ev.Instances = append(ev.Instances, model.Instance{Start: start.Add(d), End: start.Add(d + time.Hour), RecurrenceID: start.Add(d)})
				}
			}
			batch = append(batch, db.Put{Event: ev})
			if len(batch) == cap(batch) {
				res, err := bigStore.PutEvents(ctx, batch)
				if err != nil {
					bigErr = err
					return
				}
				for _, r := range res {
					if r.Err != nil {
						bigErr = r.Err
						return
					}
				}
				batch = batch[:0]
			}
		}
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigStore
}

// BenchmarkInstancesMonth: occurrences of one month across all calendars
// with 100 000 events stored, as the agenda asks for them (first page of
// 50 public occurrences, and with a commune filter), against the floor of
// an indexed primary-key lookup on the same store.
func BenchmarkInstancesMonth(b *testing.B) {
	s := bigAgenda(b)
	ctx := context.Background()
	from := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	cases := []struct {
		name string
		q    db.InstanceQuery
	}{
		{"page50", db.InstanceQuery{From: from, To: to, Public: true, Limit: 50}},
		{"page50-commune", db.InstanceQuery{From: from, To: to, Public: true, Limit: 50, Communes: []string{"47001"}}},
		{"page50-text", db.InstanceQuery{From: from, To: to, Public: true, Limit: 50, Text: "evenement 12"}},
		{"all-public", db.InstanceQuery{From: from, To: to, Public: true, Limit: db.MaxInstancePage}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for i := 0; i < b.N; i++ {
				rows, err := s.ListInstances(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(rows)
			}
			if n == 0 {
				b.Fatal("no occurrence found")
			}
			b.ReportMetric(float64(n), "rows")
		})
	}
	b.Run("baseline-get-by-uuid", func(b *testing.B) {
		ev, err := s.GetEventByHref(ctx, 1, "big-0.ics")
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			if _, err := s.GetEventByUUID(ctx, ev.UUID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPlusParams measures the +? idiom (see readOptions in
// sqlite.go): the two queries of every CalDAV request on an object, the
// calendar's resolution and GET's object read, at 10 000 objects in one
// calendar, as written (+?) and with bare parameters, alternately in the
// same run. x-bare-vs-plus is the median time with bare parameters over
// that with +?.
func BenchmarkPlusParams(b *testing.B) {
	ctx := context.Background()
	s := dbtest.New(b)
	a, cal := dbtest.Association(b, s, "bench")
	u := dbtest.User(b, s, "bench")
	if err := s.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: model.RoleEditor}); err != nil {
		b.Fatal(err)
	}
	base := time.Date(2027, 3, 1, 18, 0, 0, 0, time.UTC)
	const n = 10000
	puts := make([]db.Put, 0, n)
	for i := 0; i < n; i++ {
		puts = append(puts, db.Put{Event: dbtest.Event(cal.ID, fmt.Sprintf("o%d", i), base.Add(time.Duration(i)*time.Hour), "Répétition")})
	}
	if _, err := s.PutEvents(ctx, puts); err != nil {
		b.Fatal(err)
	}
	href := "o9999.ics"
	if ev, err := s.GetEventByHref(ctx, cal.ID, href); err != nil || ev == nil {
		b.Fatalf("%s: %v", href, err)
	}
	for _, c := range []struct {
		name string
		q    string
		args []any
	}{
		{"resolve", db.ResolveAssocQuery, []any{u.ID, a.Slug, cal.Slug}},
		{"get-object", db.GetAssocObjectQuery, []any{u.ID, cal.Slug, href, a.Slug}},
	} {
		b.Run(c.name, func(b *testing.B) {
			bare := strings.ReplaceAll(c.q, "+?", "?")
			var plusTimes, bareTimes []time.Duration
			run := func(q string) time.Duration {
				t0 := time.Now()
				n, err := s.ReadRows(ctx, q, c.args...)
				if err != nil || n != 1 {
					b.Fatalf("%s: %d rows, %v", c.name, n, err)
				}
				return time.Since(t0)
			}
			for b.Loop() {
				plusTimes = append(plusTimes, run(c.q))
				bareTimes = append(bareTimes, run(bare))
			}
			b.ReportMetric(float64(median(plusTimes).Nanoseconds())/1e3, "plus-µs")
			b.ReportMetric(float64(median(bareTimes).Nanoseconds())/1e3, "bare-µs")
			b.ReportMetric(float64(median(bareTimes))/float64(median(plusTimes)), "x-bare-vs-plus")
		})
	}
}
