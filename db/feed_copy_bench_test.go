package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// BenchmarkRemoteWriteBesideFeeds measures a fediverse event's write when
// subscribed calendars hold 5 000 events (each remote write asks whether
// a feed holds the event), against the same writes into a store without
// subscriptions, measured in the same run: the metric is the ratio.
func BenchmarkRemoteWriteBesideFeeds(b *testing.B) {
	ctx := context.Background()
	base := time.Date(2027, 3, 1, 18, 0, 0, 0, time.UTC)
	setup := func(feedEvents int) (*db.Store, int64) {
		s := dbtest.New(b)
		a, _ := dbtest.Association(b, s, "club")
		if feedEvents > 0 {
			cal, _, err := s.SubscribeCalendar(ctx, a.ID, "suivi", "Suivi", true, &model.Subscription{URL: "https://feeds.example.org/x.ics"})
			if err != nil {
				b.Fatal(err)
			}
			puts := make([]db.Put, feedEvents)
			for i := range puts {
				e := dbtest.Event(cal.ID, fmt.Sprintf("f%d@feed", i), base.Add(time.Duration(i)*time.Hour), "Du flux")
				e.URL = fmt.Sprintf("https://mobilizon.example/events/f%d", i)
				puts[i] = db.Put{Event: e, ByUID: true}
			}
			if _, err := s.PutEvents(ctx, puts); err != nil {
				b.Fatal(err)
			}
		}
		rc := &model.Calendar{Kind: model.CalendarRemote, Slug: "groupe", Name: "Groupe", Public: true, Trusted: true,
			Source: "https://mobilizon.example/@groupe"}
		if err := s.CreateCalendar(ctx, rc); err != nil {
			b.Fatal(err)
		}
		return s, rc.ID
	}
	write := func(s *db.Store, cal int64, i int) time.Duration {
		id := fmt.Sprintf("https://mobilizon.example/events/r%d", i)
		e := dbtest.Event(cal, id, base.Add(time.Duration(i)*time.Hour), "Du fédivers")
		e.Href, e.Origin, e.APID, e.URL = fmt.Sprintf("r%d.ics", i), model.OriginRemote, id, id
		t0 := time.Now()
		if res, err := s.PutEvent(ctx, db.Put{Event: e, ByUID: true}); err != nil || !res.Created {
			b.Fatalf("%+v %v", res, err)
		}
		return time.Since(t0)
	}
	plain, pcal := setup(0)
	feeds, fcal := setup(5000)
	var tPlain, tFeeds []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tPlain = append(tPlain, write(plain, pcal, i))
		tFeeds = append(tFeeds, write(feeds, fcal, i))
	}
	b.StopTimer()
	mp, mf := median(tPlain), median(tFeeds)
	b.ReportMetric(float64(mf.Microseconds()), "µs/write-beside-feeds")
	b.ReportMetric(float64(mp.Microseconds()), "µs/write-alone")
	b.ReportMetric(float64(mf)/float64(mp), "ratio")
}
