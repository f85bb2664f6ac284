package caldav

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// Benchmarks at 10 000 events in one association calendar (Europe/Paris,
// one in five weekly with an EXDATE and a moved occurrence), through the
// handler with an authenticated user, as a calendar app would call it.
// Each reports the median time of one operation in ms ("ms-median").
//
//	go test -run '^$' -bench . ./caldav/

const benchEvents = 10000

const parisTZ = "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" +
	"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" +
	"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"

func benchObject(i int) string {
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * 105 * time.Minute)
	st := start.Format("20060102T150405")
	en := start.Add(2 * time.Hour).Format("20060102T150405")
	uid := fmt.Sprintf("bench-%05d@bastide.test", i)
	var sb strings.Builder
	sb.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//bench//FR\r\n" + parisTZ)
	sb.WriteString("BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:" + st +
		"\r\nDTEND;TZID=Europe/Paris:" + en + "\r\nSUMMARY:Événement " + fmt.Sprint(i) + "\r\nLOCATION:Agen\r\n" +
		"DESCRIPTION:Une description de quelques mots pour faire un objet de taille réaliste.\r\n")
	if i%5 == 0 {
		ex := start.AddDate(0, 0, 14).Format("20060102T150405")
		sb.WriteString("RRULE:FREQ=WEEKLY;COUNT=20\r\nEXDATE;TZID=Europe/Paris:" + ex + "\r\n")
	}
	sb.WriteString("END:VEVENT\r\n")
	if i%5 == 0 {
		rid := start.AddDate(0, 0, 21)
		sb.WriteString("BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Paris:" + rid.Format("20060102T150405") +
			"\r\nDTSTART;TZID=Europe/Paris:" + rid.Add(time.Hour).Format("20060102T150405") + "\r\nDTEND;TZID=Europe/Paris:" +
			rid.Add(3*time.Hour).Format("20060102T150405") + "\r\nSUMMARY:Événement " + fmt.Sprint(i) + " (déplacé)\r\nEND:VEVENT\r\n")
	}
	sb.WriteString("END:VCALENDAR\r\n")
	return sb.String()
}

type benchEnv struct {
	h     http.Handler
	store *db.Store
	cal   string
	calID int64
}

var (
	benchOnce   sync.Once
	benchShared *benchEnv
	benchErr    error
)

func sharedBench(b *testing.B) *benchEnv {
	b.Helper()
	benchOnce.Do(func() { benchShared, benchErr = buildBench() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchShared
}

func buildBench() (*benchEnv, error) {
	ctx := context.Background()
	// The store outlives each benchmark (they share it): remove what
	// earlier runs left behind.
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "bastide-caldav-gobench-*"))
	for _, d := range old {
		os.RemoveAll(d)
	}
	dir, err := os.MkdirTemp("", "bastide-caldav-gobench-")
	if err != nil {
		return nil, err
	}
	s, err := db.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return nil, err
	}
	hash, err := db.HashPassword("bench-password")
	if err != nil {
		return nil, err
	}
	u := &model.User{Username: "bench", PasswordHash: hash}
	if err := s.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	a := &model.Association{Slug: "bench", Name: "Bench"}
	if err := s.CreateAssociation(ctx, a); err != nil {
		return nil, err
	}
	c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: "main", Name: "Agenda", Components: []string{"VEVENT", "VTODO"}}
	if err := s.CreateCalendar(ctx, c); err != nil {
		return nil, err
	}
	if err := s.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: model.RoleOwner}); err != nil {
		return nil, err
	}
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	lim := ical.DefaultLimits()
	var puts []db.Put
	for i := 0; i < benchEvents; i++ {
		obj, err := ical.ParseObject([]byte(benchObject(i)), lim)
		if err != nil {
			return nil, err
		}
		e, err := obj.Event(now, lim)
		if err != nil {
			return nil, err
		}
		e.CalendarID, e.Href = c.ID, fmt.Sprintf("bench-%05d.ics", i)
		puts = append(puts, db.Put{Event: e})
		if len(puts) == 1000 {
			if _, err := s.PutEvents(ctx, puts); err != nil {
				return nil, err
			}
			puts = puts[:0]
		}
	}
	h := NewHandler(s, slog.New(slog.DiscardHandler), Options{Now: func() time.Time { return now }})
	return &benchEnv{h: h, store: s, cal: "/dav/calendars/bench/bench.main/", calID: c.ID}, nil
}

func (be *benchEnv) do(method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, "http://bastide.test"+path, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, "http://bastide.test"+path, nil)
	}
	req.SetBasicAuth("bench", "bench-password")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	be.h.ServeHTTP(rec, req)
	return rec
}

// timed runs op b.N times and reports its median.
func timed(b *testing.B, setup func(i int), op func(i int)) {
	b.Helper()
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if setup != nil {
			b.StopTimer()
			setup(i)
			b.StartTimer()
		}
		t0 := time.Now()
		op(i)
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "ms-median")
}

func check(b *testing.B, rec *httptest.ResponseRecorder, code int, what string) {
	if rec.Code != code {
		b.Fatalf("%s: %d %s", what, rec.Code, rec.Body.String())
	}
}

var benchSeq int

func BenchmarkPut(b *testing.B) {
	be := sharedBench(b)
	be.do("PROPFIND", "/dav/", "", "Depth", "0") // warm the login cache
	timed(b, nil, func(i int) {
		benchSeq++
		n := 100000 + benchSeq
		rec := be.do("PUT", be.cal+fmt.Sprintf("new-%d.ics", n), benchObject(n), "Content-Type", "text/calendar", "If-None-Match", "*")
		check(b, rec, 201, "put")
	})
}

func BenchmarkGet(b *testing.B) {
	be := sharedBench(b)
	r := rand.New(rand.NewSource(1))
	timed(b, nil, func(i int) {
		rec := be.do("GET", be.cal+fmt.Sprintf("bench-%05d.ics", r.Intn(benchEvents)), "")
		check(b, rec, 200, "get")
	})
}

func BenchmarkPropfindDepth1(b *testing.B) {
	be := sharedBench(b)
	body := `<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontenttype/><D:resourcetype/></D:prop></D:propfind>`
	timed(b, nil, func(i int) {
		rec := be.do("PROPFIND", be.cal, body, "Depth", "1")
		check(b, rec, 207, "propfind")
		if strings.Count(rec.Body.String(), "<D:getetag>") < benchEvents {
			b.Fatal("propfind misses objects")
		}
	})
}

func BenchmarkQuery(b *testing.B) {
	be := sharedBench(b)
	body := `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>` +
		`<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20261201T000000Z" end="20270101T000000Z"/>` +
		`</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
	timed(b, nil, func(i int) {
		rec := be.do("REPORT", be.cal, body, "Depth", "1")
		check(b, rec, 207, "query")
		if n := strings.Count(rec.Body.String(), "<D:getetag>"); n < 400 {
			b.Fatalf("query found %d objects", n)
		}
	})
}

func BenchmarkMultiget(b *testing.B) {
	be := sharedBench(b)
	r := rand.New(rand.NewSource(2))
	timed(b, nil, func(i int) {
		var sb strings.Builder
		sb.WriteString(`<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>`)
		for k := 0; k < 100; k++ {
			sb.WriteString("<D:href>" + be.cal + fmt.Sprintf("bench-%05d.ics", r.Intn(benchEvents)) + "</D:href>")
		}
		sb.WriteString("</C:calendar-multiget>")
		rec := be.do("REPORT", be.cal, sb.String(), "Depth", "1")
		check(b, rec, 207, "multiget")
	})
}

func BenchmarkSync(b *testing.B) {
	be := sharedBench(b)
	ctx := context.Background()
	var token string
	timed(b, func(i int) {
		c, err := be.store.GetCalendar(ctx, be.calID)
		if err != nil {
			b.Fatal(err)
		}
		token = syncToken(be.store.Epoch(), c.ID, c.Seq)
		benchSeq++
		for k := 0; k < 10; k++ {
			n := (benchSeq*10 + k) % benchEvents
			obj := strings.Replace(benchObject(n), "SUMMARY:", fmt.Sprintf("SUMMARY:v%d ", benchSeq), 1)
			rec := be.do("PUT", be.cal+fmt.Sprintf("bench-%05d.ics", n), obj, "Content-Type", "text/calendar")
			check(b, rec, 204, "sync update")
		}
	}, func(i int) {
		body := `<D:sync-collection xmlns:D="DAV:"><D:sync-token>` + token + `</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`
		rec := be.do("REPORT", be.cal, body, "Depth", "1")
		check(b, rec, 207, "sync")
		if n := strings.Count(rec.Body.String(), "<D:getetag>"); n != 10 {
			b.Fatalf("sync gave %d changes: %.2000s", n, rec.Body.String())
		}
	})
}
