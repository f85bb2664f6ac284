package caldav

import (
	"regexp"
	"strings"
	"testing"
)

func seedReports(t *testing.T, e *env) {
	t.Helper()
	e.put("alice", amisMain+"choir.ics", testdata(t, "recurring.ics")).must(t, 201, "recurring")
	e.put("alice", amisMain+"market.ics", testdata(t, "allday.ics")).must(t, 201, "all-day")
	e.put("alice", amisMain+"todo.ics", testdata(t, "todo.ics")).must(t, 201, "todo")
	e.put("alice", amisMain+"daily.ics", testdata(t, "daily-forever.ics")).must(t, 201, "daily")
	e.put("alice", amisMain+"plain.ics", event("plain", "20261207T100000Z", "20261207T110000Z", "AG annuelle")).must(t, 201, "plain")
}

func queryHrefs(t *testing.T, e *env, body string) []string {
	t.Helper()
	r := e.do("alice", "REPORT", amisMain, body, "Depth", "1").must(t, 207, "query")
	var out []string
	for _, m := range regexp.MustCompile(`<D:href>/dav/calendars/alice/amis.main/([^<]+)</D:href>`).FindAllStringSubmatch(r.body, -1) {
		out = append(out, m[1])
	}
	return out
}

func same(a []string, b ...string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

// RFC 4791 §9.9 on recurring objects: RRULE, RDATE, EXDATE, a moved
// override, range edges, all-day events in the calendar's zone, VTODO,
// and a never-ending rule queried beyond the stored horizon.
func TestTimeRangeSemantics(t *testing.T) {
	e := newEnv(t)
	seedReports(t, e)
	// daily.ics happens every day at 06:00-06:30Z from 1 December 2026.
	cases := []struct {
		name, start, end string
		want             []string
	}{
		{"weekly occurrence", "20261209T000000Z", "20261210T000000Z", []string{"choir.ics", "daily.ics", "market.ics"}},
		{"EXDATE", "20261216T070000Z", "20261217T000000Z", nil},
		{"moved override, old slot", "20261223T070000Z", "20261224T000000Z", nil},
		{"moved override, new slot", "20261222T070000Z", "20261223T000000Z", []string{"choir.ics"}},
		{"RDATE", "20261205T080000Z", "20261205T093000Z", []string{"choir.ics"}},
		{"after RDATE", "20261205T120000Z", "20261206T000000Z", nil},
		{"after COUNT", "20270210T070000Z", "20270211T000000Z", nil},
		{"range ends at start", "20261209T170000Z", "20261209T180000Z", nil},
		{"range starts at end", "20261209T200000Z", "20261209T220000Z", nil},
		{"range inside occurrence", "20261209T183000Z", "20261209T190000Z", []string{"choir.ics"}},
		{"all-day, Paris day", "20261209T230000Z", "20261210T010000Z", []string{"market.ics"}},
		{"all-day, Paris next day", "20261210T230000Z", "20261211T050000Z", nil},
		{"plain event", "20261207T103000Z", "20261207T104500Z", []string{"plain.ics"}},
		{"beyond the stored horizon", "20310601T000000Z", "20310602T000000Z", []string{"daily.ics"}},
		{"before a daily rule", "20261101T000000Z", "20261102T000000Z", nil},
		{"daily, zero-width at start", "20261208T060000Z", "20261208T060001Z", []string{"daily.ics"}},
	}
	for _, c := range cases {
		got := queryHrefs(t, e, testdata(t, "query-month.xml", "START", c.start, "END", c.end))
		if !same(got, c.want...) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// VTODO, by the table of §9.9 (DTSTART + DUE).
	todo := func(start, end string) []string {
		return queryHrefs(t, e, testdata(t, "query-data.xml", "COMP", "VTODO", "INNER", `<C:time-range start="`+start+`" end="`+end+`"/>`))
	}
	if got := todo("20261203T000000Z", "20261204T000000Z"); !same(got, "todo.ics") {
		t.Errorf("todo inside: %v", got)
	}
	if got := todo("20261210T000000Z", "20261211T000000Z"); len(got) != 0 {
		t.Errorf("todo after: %v", got)
	}
	if got := todo("20261101T000000Z", "20261102T000000Z"); len(got) != 0 {
		t.Errorf("todo before: %v", got)
	}
}

func TestFilters(t *testing.T) {
	e := newEnv(t)
	seedReports(t, e)
	q := func(comp, inner string) []string {
		return queryHrefs(t, e, testdata(t, "query-data.xml", "COMP", comp, "INNER", inner))
	}
	cases := []struct {
		name, comp, inner string
		want              []string
	}{
		{"all events", "VEVENT", "", []string{"choir.ics", "market.ics", "daily.ics", "plain.ics"}},
		{"all todos", "VTODO", "", []string{"todo.ics"}},
		{"casemap default", "VEVENT", `<C:prop-filter name="SUMMARY"><C:text-match>CHORALE</C:text-match></C:prop-filter>`, []string{"choir.ics"}},
		{"octet miss", "VEVENT", `<C:prop-filter name="SUMMARY"><C:text-match collation="i;octet">CHORALE</C:text-match></C:prop-filter>`, nil},
		{"octet hit", "VEVENT", `<C:prop-filter name="SUMMARY"><C:text-match collation="i;octet">chorale</C:text-match></C:prop-filter>`, []string{"choir.ics"}},
		{"negate", "VEVENT", `<C:prop-filter name="SUMMARY"><C:text-match negate-condition="yes">chorale</C:text-match></C:prop-filter>`, []string{"market.ics", "daily.ics", "plain.ics"}},
		// the override of choir.ics lacks LOCATION and RRULE, its master has
		// them: that VEVENT passes (RFC 4791 §9.7.2, see TestIsNotDefinedPerComponent)
		{"is-not-defined", "VEVENT", `<C:prop-filter name="LOCATION"><C:is-not-defined/></C:prop-filter>`, []string{"choir.ics", "market.ics", "daily.ics", "plain.ics"}},
		{"is-not-defined RRULE", "VEVENT", `<C:prop-filter name="RRULE"><C:is-not-defined/></C:prop-filter>`, []string{"choir.ics", "market.ics", "plain.ics"}},
		{"override-only text", "VEVENT", `<C:prop-filter name="SUMMARY"><C:text-match>avancée</C:text-match></C:prop-filter>`, []string{"choir.ics"}},
		{"defined", "VEVENT", `<C:prop-filter name="LOCATION"/>`, []string{"choir.ics"}},
		{"param-filter", "VEVENT", `<C:prop-filter name="DTSTART"><C:param-filter name="TZID"><C:text-match>europe/paris</C:text-match></C:param-filter></C:prop-filter>`, []string{"choir.ics"}},
		{"param is-not-defined", "VEVENT", `<C:prop-filter name="DTSTART"><C:param-filter name="VALUE"><C:is-not-defined/></C:param-filter></C:prop-filter>`, []string{"choir.ics", "daily.ics", "plain.ics"}},
		{"categories", "VEVENT", `<C:prop-filter name="CATEGORIES"><C:text-match>noël</C:text-match></C:prop-filter>`, []string{"market.ics"}},
		{"uid", "VTODO", `<C:prop-filter name="UID"><C:text-match collation="i;octet">todo-posters</C:text-match></C:prop-filter>`, []string{"todo.ics"}},
		{"time-range and text", "VEVENT", `<C:time-range start="20261201T000000Z" end="20270101T000000Z"/><C:prop-filter name="SUMMARY"><C:text-match>ag</C:text-match></C:prop-filter>`, []string{"plain.ics"}},
	}
	for _, c := range cases {
		if got := q(c.comp, c.inner); !same(got, c.want...) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// VEVENT is-not-defined: objects without a VEVENT.
	body := `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:is-not-defined/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
	if got := queryHrefs(t, e, body); !same(got, "todo.ics") {
		t.Errorf("VEVENT is-not-defined: %v", got)
	}
	// Unknown collation: precondition.
	e.do("alice", "REPORT", amisMain, testdata(t, "query-data.xml", "COMP", "VEVENT", "INNER", `<C:prop-filter name="SUMMARY"><C:text-match collation="i;klingon">x</C:text-match></C:prop-filter>`), "Depth", "1").
		must(t, 403, "collation").has(t, "collation", "supported-collation")
	// Evolution lists with a Depth 0 calendar-query.
	r := e.do("alice", "REPORT", amisMain, testdata(t, "query-data.xml", "COMP", "VTODO", "INNER", ""), "Depth", "0").must(t, 207, "depth 0")
	r.has(t, "depth 0", "todo.ics")
}

func TestCalendarDataVariants(t *testing.T) {
	e := newEnv(t)
	seedReports(t, e)
	r := e.do("alice", "REPORT", amisMain, testdata(t, "query-expand.xml", "START", "20261201T000000Z", "END", "20261231T000000Z"), "Depth", "1").must(t, 207, "expand")
	i := strings.Index(r.body, "choir.ics")
	choir := r.body[i:]
	choir = choir[:strings.Index(choir, "</D:response>")]
	if n := strings.Count(choir, "BEGIN:VEVENT"); n != 5 {
		t.Fatalf("expand gave %d occurrences:\n%s", n, choir)
	}
	for _, s := range []string{"DTSTART:20261202T180000Z", "DTSTART:20261205T090000Z", "DTSTART:20261222T180000Z", "RECURRENCE-ID:20261223T180000Z", "RECURRENCE-ID:20261230T180000Z", "(avancée)"} {
		if !strings.Contains(choir, s) {
			t.Fatalf("expand lacks %s:\n%s", s, choir)
		}
	}
	for _, s := range []string{"RRULE", "EXDATE", "RDATE", "VTIMEZONE", "20261216"} {
		if strings.Contains(choir, s) {
			t.Fatalf("expand has %s:\n%s", s, choir)
		}
	}
	// limit-recurrence-set: the override of the 23rd is outside.
	r = e.do("alice", "REPORT", amisMain, testdata(t, "query-limit-set.xml", "START", "20261201T000000Z", "END", "20261210T000000Z"), "Depth", "1").must(t, 207, "limit")
	i = strings.Index(r.body, "choir.ics")
	choir = r.body[i:]
	choir = choir[:strings.Index(choir, "</D:response>")]
	if !strings.Contains(choir, "RRULE:FREQ=WEEKLY") || strings.Contains(choir, "RECURRENCE-ID") {
		t.Fatalf("limit-recurrence-set:\n%s", choir)
	}
	// Partial data: only the properties asked for.
	r = e.do("alice", "REPORT", amisMain, testdata(t, "query-partial.xml"), "Depth", "1").must(t, 207, "partial")
	r.has(t, "partial", "UID:plain", "SUMMARY:AG annuelle", "VERSION:2.0").lacks(t, "partial", "DTSTART", "PRODID", "DTSTAMP", "LOCATION")
}

func TestMultiget(t *testing.T) {
	e := newEnv(t)
	seedReports(t, e)
	hrefs := ""
	for _, h := range []string{"choir.ics", "plain.ics", "missing.ics"} {
		hrefs += "<D:href>" + amisMain + h + "</D:href>"
	}
	hrefs += "<D:href>http://bastide.test" + amisMain + "todo.ics</D:href>"
	r := e.do("alice", "REPORT", amisMain, testdata(t, "multiget.xml", "HREFS", hrefs), "Depth", "1").must(t, 207, "multiget")
	if n := strings.Count(r.body, "<D:getetag>"); n != 3 {
		t.Fatalf("%d ETags:\n%s", n, r.body)
	}
	r.has(t, "multiget", "UID:weekly-choir", "UID:plain", "UID:todo-posters",
		"<D:href>"+amisMain+"missing.ics</D:href><D:status>HTTP/1.1 404 Not Found</D:status>")
}

func syncToken_(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<D:sync-token>([^<]+)</D:sync-token>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sync-token:\n%s", body)
	}
	return m[1]
}

func TestSyncCollection(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"a.ics", event("a", "20261205T140000Z", "20261205T150000Z", "A")).must(t, 201, "a")
	e.put("alice", amisMain+"b.ics", event("b", "20261205T140000Z", "20261205T150000Z", "B")).must(t, 201, "b")
	sync := func(user, tok, limit string) resp {
		return e.do(user, "REPORT", calPath(user, "amis.main"), testdata(t, "sync.xml", "TOKEN", tok, "LIMIT", limit), "Depth", "1")
	}
	r := sync("alice", "", "").must(t, 207, "initial")
	r.has(t, "initial", "a.ics", "b.ics", "<D:getetag>")
	tok := syncToken_(t, r.body)
	// No change: nothing.
	r = sync("alice", tok, "").must(t, 207, "no change")
	if strings.Contains(r.body, "<D:response>") || syncToken_(t, r.body) != tok {
		t.Fatalf("no change:\n%s", r.body)
	}
	e.put("alice", amisMain+"c.ics", event("c", "20261205T140000Z", "20261205T150000Z", "C")).must(t, 201, "c")
	e.put("alice", amisMain+"a.ics", event("a", "20261205T140000Z", "20261205T160000Z", "A2")).must(t, 204, "a2")
	e.do("alice", "DELETE", amisMain+"b.ics", "").must(t, 204, "delete b")
	r = sync("alice", tok, "").must(t, 207, "delta")
	r.has(t, "delta", amisMain+"c.ics</D:href><D:propstat>", amisMain+"a.ics</D:href><D:propstat>",
		"<D:href>"+amisMain+"b.ics</D:href><D:status>HTTP/1.1 404 Not Found</D:status>")
	tok2 := syncToken_(t, r.body)
	if tok2 == tok {
		t.Fatal("token did not move")
	}
	// Bad, foreign and future tokens.
	carolTok := syncToken_(t, e.do("carol", "REPORT", "/dav/calendars/carol/autre.main/", testdata(t, "sync.xml", "TOKEN", "", "LIMIT", ""), "Depth", "1").body)
	future := tok2[:strings.LastIndex(tok2, "/")+1] + "999999"
	for _, bad := range []string{"garbage", "http://bastide.invalid/sync/x/1", carolTok, future, "data:,1"} {
		sync("alice", bad, "").must(t, 403, "token "+bad).has(t, "token "+bad, "<D:valid-sync-token/>")
	}
	// Limits: two changes per page, then 507 for the rest.
	for _, n := range []string{"d", "e", "f"} {
		e.put("alice", amisMain+n+".ics", event(n, "20261205T140000Z", "20261205T150000Z", n)).must(t, 201, n)
	}
	r = sync("alice", tok2, "<D:limit><D:nresults>2</D:nresults></D:limit>").must(t, 207, "limited")
	if strings.Count(r.body, "<D:propstat>") != 2 || !strings.Contains(r.body, "507 Insufficient Storage") {
		t.Fatalf("limited:\n%s", r.body)
	}
	r = sync("alice", syncToken_(t, r.body), "").must(t, 207, "rest")
	r.has(t, "rest", "f.ics").lacks(t, "rest", "d.ics", "507")
	// A first sync with a limit pages through the objects, deleted ones left out.
	seen := map[string]bool{}
	tok = ""
	for page := 0; page < 10; page++ {
		r = sync("alice", tok, "<D:limit><D:nresults>2</D:nresults></D:limit>").must(t, 207, "initial page")
		if strings.Contains(r.body, "b.ics</D:href><D:propstat>") || (page == 0 && strings.Contains(r.body, "404 Not Found")) {
			t.Fatalf("initial page shows a deleted object:\n%s", r.body)
		}
		for _, m := range regexp.MustCompile(`amis.main/([a-z]+\.ics)</D:href><D:propstat>`).FindAllStringSubmatch(r.body, -1) {
			seen[m[1]] = true
		}
		tok = syncToken_(t, r.body)
		if !strings.Contains(r.body, "507") {
			break
		}
	}
	for _, n := range []string{"a.ics", "c.ics", "d.ics", "e.ics", "f.ics"} {
		if !seen[n] {
			t.Fatalf("paged first sync missed %s (saw %v)", n, seen)
		}
	}
	e.do("alice", "REPORT", amisMain, strings.Replace(testdata(t, "sync.xml", "TOKEN", "", "LIMIT", ""), "<D:sync-level>1<", "<D:sync-level>2<", 1), "Depth", "1").must(t, 400, "sync-level 2")
}

func TestFreeBusy(t *testing.T) {
	e := newEnv(t)
	seedReports(t, e)
	e.put("alice", amisMain+"cancelled.ics", strings.Replace(event("cx", "20261208T100000Z", "20261208T110000Z", "Annulé"), "SUMMARY", "STATUS:CANCELLED\r\nSUMMARY", 1)).must(t, 201, "cancelled")
	e.put("alice", amisMain+"maybe.ics", strings.Replace(event("mb", "20261211T100000Z", "20261211T110000Z", "Peut-être"), "SUMMARY", "STATUS:TENTATIVE\r\nSUMMARY", 1)).must(t, 201, "tentative")
	r := e.do("alice", "REPORT", amisMain, testdata(t, "freebusy.xml", "START", "20261207T000000Z", "END", "20261214T000000Z"), "Depth", "1").must(t, 200, "free-busy")
	r.has(t, "free-busy", "BEGIN:VFREEBUSY", "FREEBUSY;FBTYPE=BUSY:20261207T100000Z/20261207T110000Z",
		"20261209T180000Z/20261209T200000Z", "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20261211T100000Z/20261211T110000Z", "20261207T060000Z/20261207T063000Z")
	r.lacks(t, "free-busy", "20261208T100000Z", "20261209T230000Z", "20261210T000000Z", "20261216")
}
