package caldav

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestObjectLifecycleWithETags(t *testing.T) {
	e := newEnv(t)
	p := amisMain + "fete.ics"
	v1 := event("fete", "20261205T140000Z", "20261205T180000Z", "Fête du pruneau")
	r := e.put("alice", p, v1, "If-None-Match", "*").must(t, 201, "create")
	etag := r.header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
		t.Fatalf("ETag %q", etag)
	}
	g := e.do("alice", "GET", p, "").must(t, 200, "get")
	if g.body != v1 || g.header.Get("ETag") != etag || !strings.HasPrefix(g.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("GET gave %q %q", g.header, g.body)
	}
	hd := e.do("alice", "HEAD", p, "").must(t, 200, "head")
	if hd.body != "" || hd.header.Get("ETag") != etag {
		t.Fatalf("HEAD: %q", hd.header)
	}
	e.do("alice", "GET", p, "", "If-None-Match", etag).must(t, 304, "conditional get")
	e.put("alice", p, v1, "If-None-Match", "*").must(t, 412, "create over existing")

	v2 := event("fete", "20261205T150000Z", "20261205T190000Z", "Fête du pruneau (décalée)")
	bp := calPath("bob", "amis.main") + "fete.ics"
	e.put("bob", bp, v2, "If-Match", `"stale"`).must(t, 412, "stale update")
	r = e.put("bob", bp, v2, "If-Match", etag).must(t, 204, "update")
	etag2 := r.header.Get("ETag")
	if etag2 == "" || etag2 == etag {
		t.Fatalf("ETag after update %q", etag2)
	}
	if e.do("alice", "GET", p, "").body != v2 {
		t.Fatal("update not stored")
	}
	// Evolution escapes the quotes of If-Match.
	v3 := event("fete", "20261205T150000Z", "20261205T200000Z", "Fête")
	r = e.put("bob", bp, v3, "If-Match", strings.ReplaceAll(etag2, `"`, `\"`)).must(t, 204, "escaped If-Match")
	etag3 := r.header.Get("ETag")

	e.do("alice", "DELETE", p, "", "If-Match", etag2).must(t, 412, "stale delete")
	e.do("victor", "DELETE", calPath("victor", "amis.main")+"fete.ics", "", "If-Match", etag3).must(t, 403, "viewer delete")
	e.do("alice", "DELETE", p, "", "If-Match", etag3).must(t, 204, "delete")
	e.do("alice", "GET", p, "").must(t, 404, "gone")
	e.do("alice", "DELETE", p, "").must(t, 404, "delete again")
	e.put("alice", amisMain+"nope.ics", v1, "If-Match", "*").must(t, 412, "If-Match on missing")
}

func TestPutPreconditions(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"one.ics", event("abc", "20261205T140000Z", "20261205T150000Z", "Un")).must(t, 201, "first")
	// no-uid-conflict names the object that holds the UID.
	e.put("alice", amisMain+"two.ics", event("abc", "20261206T140000Z", "20261206T150000Z", "Deux")).must(t, 403, "uid conflict").
		has(t, "uid conflict", "<C:no-uid-conflict><D:href>/dav/calendars/alice/amis.main/one.ics</D:href></C:no-uid-conflict>")
	// The same UID in another calendar is fine.
	e.put("carol", "/dav/calendars/carol/autre.main/two.ics", event("abc", "20261206T140000Z", "20261206T150000Z", "Deux")).must(t, 201, "other calendar")

	cases := []struct {
		name, body, ctype, precond string
	}{
		{"garbage", "this is not a calendar", "text/calendar", "valid-calendar-data"},
		{"no uid", strings.Replace(event("x", "20261205T140000Z", "20261205T150000Z", "X"), "UID:x\r\n", "", 1), "text/calendar", "valid-calendar-data"},
		{"two uids", strings.Replace(event("x1", "20261205T140000Z", "20261205T150000Z", "X"), "END:VCALENDAR", "BEGIN:VEVENT\r\nUID:x2\r\nDTSTART:20261205T140000Z\r\nEND:VEVENT\r\nEND:VCALENDAR", 1), "text/calendar", "valid-calendar-object-resource"},
		{"journal", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VJOURNAL\r\nUID:j\r\nDTSTART:20261205T140000Z\r\nEND:VJOURNAL\r\nEND:VCALENDAR\r\n", "text/calendar", "supported-calendar-component"},
		{"method", strings.Replace(event("m", "20261205T140000Z", "20261205T150000Z", "X"), "VERSION:2.0", "VERSION:2.0\r\nMETHOD:REQUEST", 1), "text/calendar", "valid-calendar-object-resource"},
		{"end before start", event("d", "20261205T140000Z", "20261205T130000Z", "X"), "text/calendar", "valid-calendar-data"},
		{"unknown tzid", strings.Replace(event("tz", "20261205T140000Z", "20261205T150000Z", "X"), "DTSTART:20261205T140000Z", "DTSTART;TZID=Mars/Olympus:20261205T140000", 1), "text/calendar", "valid-calendar-data"},
		{"control char", event("c", "20261205T140000Z", "20261205T150000Z", "X\x01Y"), "text/calendar", "valid-calendar-data"},
		{"invalid utf8", event("u", "20261205T140000Z", "20261205T150000Z", "X\xffY"), "text/calendar", "valid-calendar-data"},
		{"empty", "", "text/calendar", "valid-calendar-data"},
		{"json", `{"summary":"x"}`, "application/json", "supported-calendar-data"},
		{"nesting", "BEGIN:VCALENDAR\r\n" + strings.Repeat("BEGIN:X-A\r\n", 40) + strings.Repeat("END:X-A\r\n", 40) + "END:VCALENDAR\r\n", "text/calendar", "valid-calendar-data"},
	}
	for _, c := range cases {
		r := e.do("alice", "PUT", amisMain+"bad.ics", c.body, "Content-Type", c.ctype)
		r.must(t, 403, c.name).has(t, c.name, "<C:"+c.precond+"/>", "<D:error")
	}
	e.do("alice", "GET", amisMain+"bad.ics", "").must(t, 404, "nothing half-stored")

	// A calendar that holds only VEVENT refuses a VTODO.
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/events-only/", testdata(t, "mkcalendar.xml", "NAME", "E")).must(t, 201, "mkcalendar")
	e.put("alice", "/dav/calendars/alice/events-only/t.ics", testdata(t, "todo.ics")).must(t, 403, "todo in events-only").
		has(t, "todo", "supported-calendar-component")
	// VTODO is welcome where supported.
	e.put("alice", amisMain+"todo.ics", testdata(t, "todo.ics")).must(t, 201, "todo")
	e.do("alice", "GET", amisMain+"todo.ics", "").must(t, 200, "get todo").has(t, "get todo", "BEGIN:VTODO")
}

func TestMaxResourceSize(t *testing.T) {
	e := newEnv(t)
	big := strings.Replace(event("big", "20261205T140000Z", "20261205T150000Z", "X"), "SUMMARY:X", "DESCRIPTION:"+strings.Repeat("a", 2<<20), 1)
	e.put("alice", amisMain+"big.ics", big).must(t, 403, "big").has(t, "big", "<C:max-resource-size/>")
	// Chunked (no Content-Length) is cut at the cap too.
	req, _ := http.NewRequest("PUT", "http://bastide.test"+amisMain+"big2.ics", strings.NewReader(big))
	req.ContentLength = -1
	req.SetBasicAuth("alice", passwords["alice"])
	rec := newRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "max-resource-size") {
		t.Fatalf("chunked big: %d %s", rec.Code, rec.Body.String())
	}
}

func TestRecurrenceBombIsAcceptedAndCapped(t *testing.T) {
	e := newEnv(t)
	bomb := strings.Replace(event("bomb", "20261201T000000Z", "20261201T000001Z", "X"), "SUMMARY:X", "RRULE:FREQ=SECONDLY\r\nSUMMARY:X", 1)
	e.put("alice", amisMain+"bomb.ics", bomb).must(t, 201, "bomb")
	for i := 0; i < 200; i++ {
		e.put("alice", amisMain+"e"+itoa(i)+".ics", event("e"+itoa(i), "20261205T140000Z", "20261205T150000Z", "X")).must(t, 201, "filler")
	}
	// C-09: a query, an expansion and a free-busy over two centuries answer
	// quickly and bounded.
	for _, c := range []struct{ name, body string }{
		{"wide query", testdata(t, "query-month.xml", "START", "19000101T000000Z", "END", "21000101T000000Z")},
		{"wide expand", testdata(t, "query-expand.xml", "START", "19000101T000000Z", "END", "21000101T000000Z")},
		{"wide free-busy", testdata(t, "freebusy.xml", "START", "19000101T000000Z", "END", "21000101T000000Z")},
	} {
		start := time.Now()
		r := e.do("alice", "REPORT", amisMain, c.body, "Depth", "1")
		if r.code != 207 && r.code != 200 {
			t.Fatalf("%s: %d %s", c.name, r.code, r.body)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("%s took %s", c.name, d)
		}
		if c.name == "wide expand" && strings.Count(r.body, "BEGIN:VEVENT") > 1000+200 {
			t.Fatalf("expand not bounded: %d occurrences", strings.Count(r.body, "BEGIN:VEVENT"))
		}
		if c.name != "wide free-busy" && !strings.Contains(r.body, "bomb.ics") {
			t.Fatalf("%s misses the recurring event", c.name)
		}
	}
}

func TestConcurrentIfMatchWritersOneWins(t *testing.T) {
	e := newEnv(t)
	p := amisMain + "race.ics"
	etag := e.put("alice", p, event("race", "20261205T140000Z", "20261205T150000Z", "v0")).must(t, 201, "create").header.Get("ETag")
	for round := 0; round < 5; round++ {
		var wg sync.WaitGroup
		codes := make([]int, 8)
		etags := make([]string, 8)
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				who := []string{"alice", "bob"}[i%2]
				r := e.put(who, calPath(who, "amis.main")+"race.ics", event("race", "20261205T140000Z", "20261205T150000Z", "round"+itoa(round)+"-w"+itoa(i)), "If-Match", etag)
				codes[i], etags[i] = r.code, r.header.Get("ETag")
			}(i)
		}
		wg.Wait()
		won := 0
		for i, c := range codes {
			switch c {
			case 204:
				won++
				etag = etags[i]
			case 412:
			default:
				t.Fatalf("round %d: status %d", round, c)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d winners (%v)", round, won, codes)
		}
		got, err := e.store.GetEventByHref(context.Background(), e.amisCal.ID, "race.ics")
		if err != nil || got.ETag != etag {
			t.Fatalf("round %d: stored %v %v, winner %s", round, got, err, etag)
		}
	}
}

func TestMoveAndCopy(t *testing.T) {
	e := newEnv(t)
	e.do("alice", "MKCALENDAR", "/dav/calendars/alice/perso/", "").must(t, 201, "mkcalendar")
	e.put("alice", amisMain+"m.ics", event("m", "20261205T140000Z", "20261205T150000Z", "M")).must(t, 201, "put")
	e.do("alice", "COPY", amisMain+"m.ics", "", "Destination", "http://bastide.test/dav/calendars/alice/perso/m.ics").must(t, 201, "copy")
	e.do("alice", "GET", "/dav/calendars/alice/perso/m.ics", "").must(t, 200, "copied")
	e.do("alice", "MOVE", amisMain+"m.ics", "", "Destination", "/dav/calendars/alice/amis.main/n.ics").must(t, 201, "move")
	e.do("alice", "GET", amisMain+"m.ics", "").must(t, 404, "moved away")
	e.do("alice", "GET", amisMain+"n.ics", "").must(t, 200, "moved here")
	e.do("alice", "COPY", amisMain+"n.ics", "", "Destination", "/dav/calendars/alice/perso/m.ics", "Overwrite", "F").must(t, 412, "no overwrite")
	// C-11: moving an object next to one with the same UID is refused, and
	// both stay as they were.
	e.do("alice", "COPY", amisMain+"n.ics", "", "Destination", "/dav/calendars/alice/amis.main/dup.ics").must(t, 403, "uid conflict").
		has(t, "uid conflict", "<C:no-uid-conflict><D:href>/dav/calendars/alice/amis.main/n.ics</D:href>")
	e.do("alice", "MOVE", "/dav/calendars/alice/perso/m.ics", "", "Destination", "/dav/calendars/alice/amis.main/dup.ics").must(t, 403, "move uid conflict")
	e.do("alice", "GET", "/dav/calendars/alice/perso/m.ics", "").must(t, 200, "source kept")
	e.do("alice", "GET", amisMain+"dup.ics", "").must(t, 404, "nothing created")
	// A viewer cannot move out of the calendar, nor anyone into another association.
	e.do("victor", "MOVE", calPath("victor", "amis.main")+"n.ics", "", "Destination", calPath("victor", "amis.main")+"o.ics").must(t, 403, "viewer move")
}
