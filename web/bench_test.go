package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// seedUpcoming stores n upcoming events over the coming year across eight
// associations and twenty communes, with zoned iCalendar texts as CalDAV
// clients write them.
func seedUpcoming(b *testing.B, n int) *db.Store {
	b.Helper()
	s := dbtest.New(b)
	ctx := context.Background()
	communes := model.Communes()
	var cals []*model.Calendar
	for i := 0; i < 8; i++ {
		_, c := dbtest.Association(b, s, fmt.Sprintf("asso-%d", i))
		cals = append(cals, c)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	puts := make([]db.Put, 0, n)
	for i := 0; i < n; i++ {
		start := testNow.Add(time.Duration(i) * 365 * 24 * time.Hour / time.Duration(n)).Truncate(time.Minute)
		end := start.Add(2 * time.Hour)
		com := communes[(i*7)%20]
		uid := fmt.Sprintf("bench-%d", i)
		data := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//FR\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n"+
			"DTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\nSUMMARY:Rencontre n°%d\r\nLOCATION:Salle municipale\\, %s\r\n"+
			"DESCRIPTION:Une soirée ouverte à toutes et à tous\\, avec une présentation puis un moment convivial.\r\n"+
			"CATEGORIES:Culture\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			uid, start.In(paris).Format("20060102T150405"), end.In(paris).Format("20060102T150405"), i, com.Name)
		e := &model.Event{CalendarID: cals[i%len(cals)].ID, Href: uid + ".ics", UID: uid, Data: data, Component: "VEVENT",
			Summary: fmt.Sprintf("Rencontre n°%d", i), Description: "Une soirée ouverte à toutes et à tous, avec une présentation puis un moment convivial.",
			Location: "Salle municipale, " + com.Name, Start: start, End: end, TZID: "Europe/Paris", Status: model.StatusConfirmed,
			Categories: []string{"Culture"}, CommuneINSEE: com.INSEE, Instances: []model.Instance{{Start: start, End: end}}}
		puts = append(puts, db.Put{Event: e})
	}
	res, err := s.PutEvents(ctx, puts)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	return s
}

// baseline is the bare store work under a benchmarked response, measured
// in the same run so that the ratio reported next to ns/op does not depend
// on how busy the machine is.
type baseline struct {
	name string
	run  func() error
}

// measure returns the mean time of one baseline run over at least 200 ms
// (and 20 runs).
func (bl baseline) measure(b *testing.B) time.Duration {
	b.Helper()
	n := 0
	start := time.Now()
	for n < 20 || time.Since(start) < 200*time.Millisecond {
		if err := bl.run(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return time.Since(start) / time.Duration(n)
}

// benchGet times GET path and reports, besides ns/op, the ratio of one
// response to the baseline (measured before and after the timed loop and
// averaged) as "x_<baseline>", and the response time against the figure
// issue 5 sets, when there is one, as "x_target" (below 1 meets it).
func benchGet(b *testing.B, h http.Handler, path string, bl baseline, target time.Duration, check func(body string)) {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != 200 {
		b.Fatalf("%s: %d", path, rec.Code)
	}
	check(rec.Body.String())
	before := bl.measure(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != 200 {
			b.Fatalf("%s: %d", path, rec.Code)
		}
	}
	b.StopTimer()
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	base := float64((before + bl.measure(b)).Nanoseconds()) / 2
	b.ReportMetric(base, "ns/"+bl.name)
	b.ReportMetric(per/base, "x_"+bl.name)
	if target > 0 {
		b.ReportMetric(per/float64(target.Nanoseconds()), "x_target")
	}
}

// listBaseline is the store query of an agenda list page.
func listBaseline(s *db.Store, q db.InstanceQuery) baseline {
	return baseline{name: "store_query", run: func() error {
		q := q
		if q.Limit == 0 {
			q.Limit = agendaPageSize
		}
		if q.From.IsZero() {
			q.From, q.To = testNow, testNow.Add(defaultListSpan)
		}
		q.Public, q.IncludeCancelled = true, true
		rows, err := s.ListInstances(context.Background(), q)
		if err == nil && len(rows) == 0 {
			err = fmt.Errorf("baseline query found nothing")
		}
		return err
	}}
}

func newBenchHandler(s *db.Store, cache bool) http.Handler {
	return New(s, nil, Options{BaseURL: testBase, Now: func() time.Time { return testNow }, CacheDisabled: !cache})
}

// BenchmarkAgendaPage is the server time of one render of / (first page of
// the list, filter choices included) with 10 000 upcoming events, without
// the response cache. Issue 5 asks for under 10 ms; x_store_query is the
// render over the bare store query of that page.
func BenchmarkAgendaPage(b *testing.B) {
	s := seedUpcoming(b, 10000)
	benchGet(b, newBenchHandler(s, false), "/", listBaseline(s, db.InstanceQuery{}), 10*time.Millisecond, func(body string) {
		if strings.Count(body, `<li class="event`) != agendaPageSize {
			b.Fatalf("page holds %d events", strings.Count(body, `<li class="event`))
		}
	})
}

// BenchmarkAgendaPageFiltered renders / with a commune and a text filter,
// against the same filtered store query.
func BenchmarkAgendaPageFiltered(b *testing.B) {
	s := seedUpcoming(b, 10000)
	insee := model.Communes()[7].INSEE
	bl := listBaseline(s, db.InstanceQuery{Communes: []string{insee}, Text: "rencontre"})
	benchGet(b, newBenchHandler(s, false), "/?q=rencontre&commune="+insee, bl, 10*time.Millisecond, func(body string) {
		if !strings.Contains(body, "Rencontre n°") {
			b.Fatal("no result")
		}
	})
}

// BenchmarkAgendaMonth renders the month grid (April 2026, Monday 30 March
// to Sunday 3 May), against the store query of that grid.
func BenchmarkAgendaMonth(b *testing.B) {
	s := seedUpcoming(b, 10000)
	paris, _ := time.LoadLocation("Europe/Paris")
	bl := listBaseline(s, db.InstanceQuery{From: time.Date(2026, 3, 30, 0, 0, 0, 0, paris),
		To: time.Date(2026, 5, 4, 0, 0, 0, 0, paris), Limit: db.MaxInstancePage})
	benchGet(b, newBenchHandler(s, false), "/?view=month", bl, 0, func(body string) {
		if !strings.Contains(body, `<table class="month">`) {
			b.Fatal("no grid")
		}
	})
}

// BenchmarkAgendaPageCached is what repeated visits cost while nothing
// changes: the change-log check plus the cached body. Its x_store_query
// is below 1: a cached page costs less than the query it saves.
func BenchmarkAgendaPageCached(b *testing.B) {
	s := seedUpcoming(b, 10000)
	benchGet(b, newBenchHandler(s, true), "/", listBaseline(s, db.InstanceQuery{}), 10*time.Millisecond, func(string) {})
}

// BenchmarkICSFeed1000 builds a 1 000-event ICS feed (with its VTIMEZONE)
// out of 10 000 stored events, without the cache. Issue 5: under 50 ms.
// x_store_read is the feed over reading its 1 000 events from the store
// (the ids in range, then their iCalendar texts).
func BenchmarkICSFeed1000(b *testing.B) {
	s := seedUpcoming(b, 10000)
	ctx := context.Background()
	from := testNow.Truncate(time.Hour).AddDate(0, 0, -icsPastDays)
	q := db.InstanceQuery{From: from, To: from.Add(defaultListSpan + icsPastDays*24*time.Hour), Public: true, IncludeCancelled: true}
	bl := baseline{name: "store_read", run: func() error {
		ids, err := s.FeedEventIDs(ctx, q, defaultMaxFeedEvents)
		if err != nil {
			return err
		}
		data, err := s.EventsData(ctx, ids)
		if err == nil && len(data) != defaultMaxFeedEvents {
			err = fmt.Errorf("baseline read %d events", len(data))
		}
		return err
	}}
	benchGet(b, newBenchHandler(s, false), "/feeds/agenda.ics", bl, 50*time.Millisecond, func(body string) {
		if n := strings.Count(body, "BEGIN:VEVENT"); n != 1000 {
			b.Fatalf("feed holds %d events", n)
		}
	})
}
