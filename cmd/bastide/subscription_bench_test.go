package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
)

// benchSub is a subscription to a 5 000-event feed on 127.0.0.1, applied
// once.
func benchSub(b *testing.B, etag string) (*subEnv, context.Context) {
	b.Helper()
	ctx := context.Background()
	e := &subEnv{store: dbtest.New(b), now: time.Now()}
	e.feed = newFeedServer(b)
	e.a, _ = dbtest.Association(b, e.store, "bench")
	var err error
	e.sub = &model.Subscription{URL: e.feed.srv.URL + "/flux.ics"}
	e.cal, _, err = e.store.SubscribeCalendar(ctx, e.a.ID, "flux", "", true, e.sub)
	if err != nil {
		b.Fatal(err)
	}
	e.r = &refresher{store: e.store, client: newFeedClient(true), log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now}
	e.feed.set(200, string(genICS(5000, e.now)), etag)
	out, err := e.r.refresh(ctx, e.sub)
	if err != nil || out.Err != nil || out.Report.Added != 5000 {
		b.Fatalf("first refresh: %v %+v", err, out)
	}
	return e, ctx
}

func (e *subEnv) benchRefresh(b *testing.B, ctx context.Context) *refreshOutcome {
	b.Helper()
	sub, err := e.store.GetSubscription(ctx, e.sub.ID)
	if err != nil {
		b.Fatal(err)
	}
	out, err := e.r.refresh(ctx, sub)
	if err != nil || out.Err != nil {
		b.Fatalf("refresh: %v %+v", err, out)
	}
	return out
}

// BenchmarkSubscription5k: a 5 000-event feed re-fetched unchanged, with a
// server that answers 304 and with one that sends the same body again
// (target for both: under 50 ms of work, one request), and a changed
// feed, whose rate is reported beside an import of the same text into a
// plain calendar measured in the same run.
func BenchmarkSubscription5k(b *testing.B) {
	b.Run("not-modified", func(b *testing.B) {
		e, ctx := benchSub(b, `"v1"`)
		before := e.feed.requests.Load()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if out := e.benchRefresh(b, ctx); !out.NotModified {
				b.Fatalf("%+v", out)
			}
		}
		b.ReportMetric(float64(e.feed.requests.Load()-before)/float64(b.N), "requests/op")
	})
	b.Run("same-body", func(b *testing.B) {
		e, ctx := benchSub(b, "")
		before := e.feed.requests.Load()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if out := e.benchRefresh(b, ctx); !out.SameBody {
				b.Fatalf("%+v", out)
			}
		}
		b.ReportMetric(float64(e.feed.requests.Load()-before)/float64(b.N), "requests/op")
	})
	b.Run("changed", func(b *testing.B) {
		e, ctx := benchSub(b, "")
		// Two versions of the feed, every event moved by a day: each
		// refresh updates all 5 000.
		bodies := []string{string(genICS(5000, e.now.AddDate(0, 0, 1))), string(genICS(5000, e.now))}
		const plain = "plain" // created by the first import
		var subTime, importTime time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			body := bodies[i%2]
			e.feed.set(200, body, "")
			start := time.Now()
			out := e.benchRefresh(b, ctx)
			subTime += time.Since(start)
			if out.Report == nil || out.Report.Updated != 5000 {
				b.Fatalf("%+v", out)
			}
			b.StopTimer()
			start = time.Now()
			rep, err := load.ICS(ctx, e.store, e.a, []byte(body), load.Options{CalendarSlug: plain})
			importTime += time.Since(start)
			if err != nil || rep.Added+rep.Updated != 5000 {
				b.Fatalf("import: %v %+v", err, rep)
			}
			b.StartTimer()
		}
		subRate := float64(5000*b.N) / subTime.Seconds()
		importRate := float64(5000*b.N) / importTime.Seconds()
		b.ReportMetric(subRate, "events/s")
		b.ReportMetric(importRate, "import-events/s")
		b.ReportMetric(subRate/importRate, "ratio-to-import")
	})
}
