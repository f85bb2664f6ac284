package caldav

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
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
