package caldav

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func hostileEvent(uid, rule string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260106T050301Z\r\nSUMMARY:x\r\nRRULE:" + rule +
		"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

// TestHostileRecurrenceIsRefused: the rules of issue #14 that kept a core
// busy for minutes are refused at once with a precondition that says why,
// ten at a time, while another user is served.
func TestHostileRecurrenceIsRefused(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	send := func(user, method, path, body string, hdr ...string) (int, string) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		req.SetBasicAuth(user, passwords[user])
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	// Any account may make a personal calendar and PUT into it.
	if code, body := send("carol", "MKCALENDAR", "/dav/calendars/carol/perso/", ""); code != http.StatusCreated {
		t.Fatalf("MKCALENDAR: %d %s", code, body)
	}
	rules := []struct{ rule, precond, msg string }{
		{"FREQ=MINUTELY;BYDAY=2TU;BYSETPOS=2", "valid-calendar-data", "BYSETPOS asks for a position past"},
		{"FREQ=SECONDLY;BYSETPOS=2;BYSECOND=0", "valid-calendar-data", "BYSETPOS asks for a position past"},
		{"FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=5;BYMINUTE=3;BYSECOND=1", "max-instances", "too sparse to expand"},
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rules[i%len(rules)]
			uid := "hostile-" + itoa(i)
			code, body := send("carol", "PUT", "/dav/calendars/carol/perso/"+uid+".ics", hostileEvent(uid, r.rule), "Content-Type", "text/calendar")
			if code != http.StatusForbidden || !strings.Contains(body, r.precond) || !strings.Contains(body, r.msg) {
				t.Errorf("PUT %s: %d, want 403 %s saying %q:\n%s", r.rule, code, r.precond, r.msg, body)
			}
		}()
	}
	// Meanwhile another user reads.
	code, body := send("victor", "PROPFIND", "/dav/calendars/victor/amis.main/", "", "Depth", "1")
	wg.Wait()
	if code != http.StatusMultiStatus {
		t.Errorf("victor's PROPFIND during the PUTs: %d %s", code, body)
	}
	// Nothing was stored.
	if code, body := send("carol", "PROPFIND", "/dav/calendars/carol/perso/", "", "Depth", "1"); code != http.StatusMultiStatus || strings.Contains(body, "hostile-") {
		t.Errorf("PROPFIND after the refusals: %d %s", code, body)
	}
}

func bigDaily(uid string, descLen int) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T090000Z\r\nDTEND:20260101T100000Z\r\nSUMMARY:daily\r\nDESCRIPTION:" +
		strings.Repeat("x", descLen) + "\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

// TestReportAnswerIsBounded: a 700-byte calendar-query with expand over a
// year used to answer 68 MB; now any report answer stops at MaxAnswer
// and says so with a 507 for the request URI.
func TestReportAnswerIsBounded(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 4; i++ {
		e.put("alice", amisMain+"big"+itoa(i)+".ics", bigDaily("big"+itoa(i), 30000)).must(t, 201, "PUT")
	}
	query := testdata(t, "query-expand.xml", "START", "20260101T000000Z", "END", "20270101T000000Z")
	r := e.do("alice", "REPORT", amisMain, query, "Depth", "1").must(t, 207, "expand over a year")
	if len(r.body) > 16<<20+64<<10 {
		t.Errorf("answer of %d bytes, want at most 16 MiB and a little", len(r.body))
	}
	r.has(t, "truncated expand", "HTTP/1.1 507 Insufficient Storage", "<D:number-of-matches-within-limits/>", "size limit of 16384 KiB", "</D:multistatus>")
	if n := strings.Count(r.body, "<D:response>"); n < 2 {
		t.Errorf("%d responses, want the objects that fit and the 507", n)
	}

	// Smaller limit: plain queries and multigets (cached or not) stop too.
	e = newEnv(t, func(o *Options) { o.MaxAnswer = 64 << 10 })
	var hrefs string
	for i := 0; i < 10; i++ {
		name := "o" + itoa(i) + ".ics"
		e.put("alice", amisMain+name, bigDaily("o"+itoa(i), 20000)).must(t, 201, "PUT")
		hrefs += "<D:href>" + amisMain + name + "</D:href>"
	}
	all := `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>`
	mg := `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>` + hrefs + `</C:calendar-multiget>`
	for _, c := range []struct{ what, body string }{{"query", all}, {"multiget", mg}, {"multiget again, from the cache", mg}} {
		r := e.do("alice", "REPORT", amisMain, c.body, "Depth", "1").must(t, 207, c.what)
		r.has(t, c.what, "HTTP/1.1 507 Insufficient Storage", "<D:number-of-matches-within-limits/>")
		if n := strings.Count(r.body, "BEGIN:VCALENDAR"); n < 1 || n > 3 || len(r.body) > 64<<10 {
			t.Errorf("%s: %d objects in %d bytes, want 1 to 3 within 64 KiB", c.what, n, len(r.body))
		}
	}
}

// TestFreeBusyAnswerIsBounded: a free-busy-query whose periods would pass
// MaxAnswer is refused with words that say what to do.
func TestFreeBusyAnswerIsBounded(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxAnswer = 4 << 10 })
	e.put("alice", amisMain+"daily.ics", bigDaily("daily", 10)).must(t, 201, "daily")
	fb := func(start, end string) resp {
		return e.do("alice", "REPORT", amisMain, testdata(t, "freebusy.xml", "START", start, "END", end), "Depth", "1")
	}
	fb("20261201T000000Z", "20261231T000000Z").must(t, 200, "a month").has(t, "a month", "FREEBUSY")
	fb("20261201T000000Z", "20271231T000000Z").must(t, 403, "a year").has(t, "a year", "<D:number-of-matches-within-limits/>", "ask for a shorter time range")
}

// BenchmarkPropfindDuringHostilePuts reports how long another user's
// PROPFIND takes while ten PUTs of rules that use up the recurrence work
// budget (or are refused) arrive at once: go test -bench
// PropfindDuringHostilePuts -run '^$' ./caldav/
func BenchmarkPropfindDuringHostilePuts(b *testing.B) {
	e := newEnv(b)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	send := func(user, method, path, body string, hdr ...string) int {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.SetBasicAuth(user, passwords[user])
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	send("carol", "MKCALENDAR", "/dav/calendars/carol/perso/", "")
	rules := []string{
		"FREQ=SECONDLY;INTERVAL=7;BYHOUR=5;BYMINUTE=3;BYSECOND=1", // accepted, stored capped at the budget
		"FREQ=MINUTELY;BYDAY=2TU;BYSETPOS=2",                      // refused
	}
	var worst time.Duration
	for n := 0; b.Loop(); n++ {
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				uid := "h" + itoa(n) + "-" + itoa(i)
				send("carol", "PUT", "/dav/calendars/carol/perso/"+uid+".ics", hostileEvent(uid, rules[i%2]), "Content-Type", "text/calendar")
			}()
		}
		start := time.Now()
		if code := send("victor", "PROPFIND", "/dav/calendars/victor/amis.main/", "", "Depth", "1"); code != http.StatusMultiStatus {
			b.Fatalf("PROPFIND: %d", code)
		}
		worst = max(worst, time.Since(start))
		wg.Wait()
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-propfind-ms")
}
