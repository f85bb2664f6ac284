package caldav

import (
	"regexp"
	"strings"
	"testing"
)

// Request sequences of the calendar apps (reference/caldav.md §2),
// asserting what each needs to go on.

func multigetBody(hrefs ...string) string {
	s := ""
	for _, h := range hrefs {
		s += "<D:href>" + h + "</D:href>"
	}
	return s
}

func TestThunderbirdReplay(t *testing.T) {
	e := newEnv(t)
	// Account discovery on the entered URL, then the home set.
	r := e.do("bob", "PROPFIND", "/dav/", testdata(t, "tb-discover.xml"), "Depth", "0").must(t, 207, "tb discover")
	r.has(t, "tb discover", "<C:calendar-home-set><D:href>/dav/calendars/bob/</D:href>", "<D:current-user-principal><D:href>/dav/principals/bob/</D:href>")
	home := "/dav/calendars/bob/"
	r = e.do("bob", "PROPFIND", home, testdata(t, "tb-discover.xml"), "Depth", "1").must(t, 207, "tb home")
	// Only responses with C:calendar are offered; write-content makes it writable.
	r.has(t, "tb home", "<D:href>/dav/calendars/bob/amis.main/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/><C:calendar/>", "<D:write-content/>")
	cal := calPath("bob", "amis.main")
	r = e.do("bob", "PROPFIND", cal, testdata(t, "tb-calendar.xml"), "Depth", "0").must(t, 207, "tb calendar")
	r.has(t, "tb calendar", "<D:sync-collection/>", "<CS:getctag>")
	// OPTIONS on the parent (home): no scheduling advertised.
	dav := e.do("bob", "OPTIONS", home, "").must(t, 200, "tb options").header.Get("DAV")
	if !strings.Contains(dav, "calendar-access") || strings.Contains(dav, "calendar-schedule") {
		t.Fatalf("DAV %q", dav)
	}
	// webdav-sync, with the Depth: 1 Thunderbird sends.
	r = e.do("bob", "REPORT", cal, testdata(t, "sync.xml", "TOKEN", "", "LIMIT", ""), "Depth", "1").must(t, 207, "tb sync")
	tok := syncToken_(t, r.body)
	// New event: PUT If-None-Match, then the next sync and a multiget.
	put := e.put("bob", cal+"tb-1.ics", event("tb-1", "20261205T140000Z", "20261205T150000Z", "Thunderbird"), "If-None-Match", "*").must(t, 201, "tb put")
	r = e.do("bob", "REPORT", cal, testdata(t, "sync.xml", "TOKEN", tok, "LIMIT", ""), "Depth", "1").must(t, 207, "tb sync 2")
	r.has(t, "tb sync 2", cal+"tb-1.ics", "<D:getetag>"+strings.ReplaceAll(put.header.Get("ETag"), `"`, "&quot;"))
	e.do("bob", "REPORT", cal, testdata(t, "multiget.xml", "HREFS", multigetBody(cal+"tb-1.ics")), "Depth", "1").must(t, 207, "tb multiget").
		has(t, "tb multiget", "UID:tb-1", "<D:getetag>")
	// Rescheduling one occurrence, Thunderbird writes DTEND and DURATION:PT0S
	// in the override: accepted, the DURATION dropped, and no ETag returned
	// since the stored text differs from the one sent.
	series := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\nBEGIN:VEVENT\r\nUID:tb-series\r\nDTSTAMP:20261101T000000Z\r\n" +
		"DTSTART:20261202T180000Z\r\nDTEND:20261202T200000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Chorale\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:tb-series\r\nDTSTAMP:20261101T000000Z\r\nRECURRENCE-ID:20261209T180000Z\r\nDTSTART:20261210T180000Z\r\nDTEND:20261210T200000Z\r\n" +
		"DURATION:PT0S\r\nSUMMARY:Chorale (jeudi)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	r = e.put("bob", cal+"tb-series.ics", series).must(t, 201, "tb override")
	if r.header.Get("ETag") != "" {
		t.Fatalf("ETag returned for altered data: %q", r.header.Get("ETag"))
	}
	got := e.do("bob", "GET", cal+"tb-series.ics", "").must(t, 200, "tb get series")
	if strings.Contains(got.body, "DURATION") || !strings.Contains(got.body, "Chorale (jeudi)") {
		t.Fatalf("stored:\n%s", got.body)
	}
	// Without sync support Thunderbird would PROPFIND Depth 1 for ETags.
	e.do("bob", "PROPFIND", cal, testdata(t, "propfind-etags.xml"), "Depth", "1").must(t, 207, "tb etags").has(t, "tb etags", "tb-1.ics", "<D:getetag>")
}

func TestAppleCalendarReplay(t *testing.T) {
	e := newEnv(t)
	if r := e.do("alice", "PROPFIND", "/.well-known/caldav", ""); r.code != 301 {
		t.Fatalf("well-known: %d", r.code)
	}
	hdr := []string{"Depth", "0", "Prefer", "return=minimal", "Brief", "t"}
	r := e.do("alice", "PROPFIND", "/dav/", testdata(t, "propfind-discovery.xml"), hdr...).must(t, 207, "apple root")
	r.has(t, "apple root", "/dav/principals/alice/").lacks(t, "apple root", "404")
	r = e.do("alice", "PROPFIND", "/dav/principals/alice/", testdata(t, "propfind-discovery.xml"), hdr...).must(t, 207, "apple principal")
	r.has(t, "apple principal", "/dav/calendars/alice/", "mailto:alice@example.org")
	r = e.do("alice", "PROPFIND", "/dav/calendars/alice/", testdata(t, "apple-home.xml"), "Depth", "1", "Prefer", "return=minimal", "Brief", "t").must(t, 207, "apple home")
	r.has(t, "apple home", "<A:calendar-order>", "<D:sync-token>", "<D:sync-collection/>", "<C:calendar/>").lacks(t, "apple home", "404 Not Found")
	// Apple also syncs the home to see new calendars.
	r = e.do("alice", "REPORT", "/dav/calendars/alice/", `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/><D:resourcetype/></D:prop></D:sync-collection>`, "Depth", "1").must(t, 207, "apple home sync")
	r.has(t, "apple home sync", "/dav/calendars/alice/amis.main/", "<D:sync-token>")
	// A new calendar named by an upper-case UUID, then its colour and order.
	cal := "/dav/calendars/alice/8A3B0C4D-1E2F-4A5B-8C9D-0E1F2A3B4C5D/"
	e.do("alice", "MKCALENDAR", cal, testdata(t, "mkcalendar.xml", "NAME", "Maison")).must(t, 201, "apple mkcalendar")
	e.do("alice", "PROPPATCH", cal, `<A:propertyupdate xmlns:A="DAV:" xmlns:D="http://apple.com/ns/ical/"><A:set><A:prop><D:calendar-order>2</D:calendar-order><D:calendar-color>#FF2968FF</D:calendar-color></A:prop></A:set></A:propertyupdate>`).
		must(t, 207, "apple proppatch").lacks(t, "apple proppatch", "403", "424")
	e.put("alice", cal+"E7B1A4C2-0000-4000-8000-000000000001.ics", event("E7B1A4C2-0000-4000-8000-000000000001", "20261205T140000Z", "20261205T150000Z", "Apple"), "If-None-Match", "*").must(t, 201, "apple put")
	r = e.do("alice", "PROPFIND", "/dav/calendars/alice/", testdata(t, "apple-home.xml"), "Depth", "1", "Brief", "t").must(t, 207, "apple home 2")
	r.has(t, "apple home 2", "<D:href>"+cal+"</D:href>", "#FF2968FF")
}

func TestDAVx5Replay(t *testing.T) {
	e := newEnv(t)
	r := e.do("bob", "PROPFIND", "/dav/", testdata(t, "davx5-discover.xml"), "Depth", "0").must(t, 207, "davx5 discover")
	r.has(t, "davx5 discover", "/dav/principals/bob/", "/dav/calendars/bob/")
	// A principal is accepted only if OPTIONS lists calendar-access.
	if dav := e.do("bob", "OPTIONS", "/dav/principals/bob/", "").header.Get("DAV"); !strings.Contains(dav, "calendar-access") {
		t.Fatalf("DAV %q", dav)
	}
	e.do("bob", "PROPFIND", "/dav/principals/bob/", `<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><prop><C:calendar-user-address-set/></prop></propfind>`, "Depth", "0").
		must(t, 207, "davx5 address").has(t, "davx5 address", "mailto:bob@example.org")
	e.do("bob", "PROPFIND", "/dav/calendars/bob/", testdata(t, "davx5-discover.xml"), "Depth", "1").must(t, 207, "davx5 home").
		has(t, "davx5 home", "/dav/calendars/bob/amis.main/", "<C:calendar/>")
	cal := calPath("bob", "amis.main")
	e.do("bob", "PROPFIND", cal, testdata(t, "davx5-sync.xml"), "Depth", "0").must(t, 207, "davx5 calendar").
		has(t, "davx5 calendar", "<C:max-resource-size>", "<D:sync-collection/>", "<CS:getctag>", "<D:sync-token>")
	e.put("alice", amisMain+"a.ics", event("a", "20261205T140000Z", "20261205T150000Z", "A")).must(t, 201, "seed")
	r = e.do("bob", "REPORT", cal, testdata(t, "sync.xml", "TOKEN", "", "LIMIT", ""), "Depth", "0").must(t, 207, "davx5 sync")
	tok := syncToken_(t, r.body)
	// Every multiget response carries its ETag, or DAVx5 aborts.
	r = e.do("bob", "REPORT", cal, testdata(t, "multiget.xml", "HREFS", multigetBody(cal+"a.ics")), "Depth", "0").must(t, 207, "davx5 multiget")
	if strings.Count(r.body, "<D:getetag>") != strings.Count(r.body, "<D:response>") {
		t.Fatalf("a response without ETag:\n%s", r.body)
	}
	put := e.put("bob", cal+"phone.ics", event("phone", "20261206T140000Z", "20261206T150000Z", "Phone"), "If-None-Match", "*").must(t, 201, "davx5 put")
	up := e.put("bob", cal+"phone.ics", event("phone", "20261206T140000Z", "20261206T160000Z", "Phone 2"), "If-Match", put.header.Get("ETag")).must(t, 204, "davx5 update")
	e.do("bob", "DELETE", cal+"phone.ics", "", "If-Match", up.header.Get("ETag")).must(t, 204, "davx5 delete")
	r = e.do("bob", "REPORT", cal, testdata(t, "sync.xml", "TOKEN", tok, "LIMIT", ""), "Depth", "0").must(t, 207, "davx5 sync 2")
	r.has(t, "davx5 sync 2", "<D:href>"+cal+"phone.ics</D:href><D:status>HTTP/1.1 404 Not Found</D:status>")
}

func TestEvolutionReplay(t *testing.T) {
	e := newEnv(t)
	r := e.do("alice", "PROPFIND", "/dav/", testdata(t, "evolution-discover.xml"), "Depth", "0").must(t, 207, "evo discover")
	r.has(t, "evo discover", "<C:calendar-home-set><D:href>/dav/calendars/alice/</D:href>")
	e.do("alice", "PROPFIND", "/dav/principals/alice/", testdata(t, "evolution-discover.xml"), "Depth", "0").must(t, 207, "evo principal").
		has(t, "evo principal", "<D:principal-URL>", "mailto:alice@example.org")
	e.do("alice", "PROPFIND", "/dav/calendars/alice/", testdata(t, "davx5-discover.xml"), "Depth", "1").must(t, 207, "evo home").
		has(t, "evo home", "<D:displayname>Agenda</D:displayname>")
	// OPTIONS must list calendar-access or Evolution says the URL is no calendar.
	if dav := e.do("alice", "OPTIONS", amisMain, "").header.Get("DAV"); !strings.Contains(dav, "calendar-access") {
		t.Fatalf("DAV %q", dav)
	}
	seedReports(t, e)
	// getctag, then ETags by calendar-query (±5 weeks, then all).
	e.do("alice", "PROPFIND", amisMain, testdata(t, "davx5-sync.xml"), "Depth", "0").must(t, 207, "evo ctag").has(t, "evo ctag", "<CS:getctag>")
	got := queryHrefs(t, e, testdata(t, "query-month.xml", "START", "20261101T000000Z", "END", "20270108T000000Z"))
	if !same(got, "choir.ics", "market.ics", "daily.ics", "plain.ics") {
		t.Fatalf("evo window: %v", got)
	}
	// Listing UIDs with partial calendar-data at Depth 0.
	r = e.do("alice", "REPORT", amisMain, testdata(t, "evolution-uids.xml"), "Depth", "0").must(t, 207, "evo uids")
	r.has(t, "evo uids", "UID:weekly-choir", "UID:plain").lacks(t, "evo uids", "SUMMARY", "DTSTART")
	// Multiget in a batch, then a write at <UID>.ics with an escaped If-Match.
	hrefs := regexp.MustCompile(`<D:href>([^<]+\.ics)</D:href>`).FindAllStringSubmatch(r.body, -1)
	var list []string
	for _, h := range hrefs {
		list = append(list, h[1])
	}
	mg := e.do("alice", "REPORT", amisMain, testdata(t, "multiget.xml", "HREFS", multigetBody(list...)), "Depth", "1").must(t, 207, "evo multiget")
	if strings.Count(mg.body, "<D:getetag>") != len(list) {
		t.Fatalf("multiget of %d:\n%s", len(list), mg.body)
	}
	// Evolution writes EXDATE;VALUE=DATE next to a DATE-TIME DTSTART: the day is excluded.
	evo := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Evolution//EN\r\nBEGIN:VEVENT\r\nUID:evo-weekly\r\nDTSTAMP:20261101T000000Z\r\n" +
		"DTSTART:20261203T100000Z\r\nDTEND:20261203T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEXDATE;VALUE=DATE:20261210\r\nSUMMARY:Permanence\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	e.put("alice", amisMain+"evo-weekly.ics", evo).must(t, 201, "evo exdate")
	if got := queryHrefs(t, e, testdata(t, "query-month.xml", "START", "20261210T080000Z", "END", "20261210T120000Z")); !same(got, "market.ics") {
		t.Fatalf("EXDATE;VALUE=DATE day matched: %v", got)
	}
	if got := queryHrefs(t, e, testdata(t, "query-month.xml", "START", "20261217T080000Z", "END", "20261217T120000Z")); !same(got, "evo-weekly.ics") {
		t.Fatalf("third week: %v", got)
	}
	etag := e.do("alice", "GET", amisMain+"plain.ics", "").header.Get("ETag")
	e.put("alice", amisMain+"plain.ics", event("plain", "20261207T100000Z", "20261207T120000Z", "AG annuelle (longue)"), "If-Match", strings.ReplaceAll(etag, `"`, `\"`)).must(t, 204, "evo update")
}

// Two members, each with a client: what one writes the other's next sync
// sees; a stale write gets 412 and nothing is lost.
func TestTwoMembersSync(t *testing.T) {
	e := newEnv(t)
	aCal, bCal := calPath("alice", "amis.main"), calPath("bob", "amis.main")
	sync := func(user, cal, tok string) resp {
		return e.do(user, "REPORT", cal, testdata(t, "sync.xml", "TOKEN", tok, "LIMIT", ""), "Depth", "1").must(t, 207, user+" sync")
	}
	aTok := syncToken_(t, sync("alice", aCal, "").body)
	bTok := syncToken_(t, sync("bob", bCal, "").body)

	put := e.put("alice", aCal+"ag.ics", event("ag", "20261212T140000Z", "20261212T160000Z", "Assemblée générale"), "If-None-Match", "*").must(t, 201, "alice put")
	r := sync("bob", bCal, bTok)
	r.has(t, "bob sees", bCal+"ag.ics", strings.ReplaceAll(put.header.Get("ETag"), `"`, "&quot;"))
	bTok = syncToken_(t, r.body)
	got := e.do("bob", "GET", bCal+"ag.ics", "").must(t, 200, "bob get")
	if !strings.Contains(got.body, "Assemblée générale") {
		t.Fatal("bob reads something else")
	}
	// alice edits; bob, still on the old ETag, edits too: 412.
	alice2 := event("ag", "20261212T140000Z", "20261212T170000Z", "AG (prolongée)")
	e.put("alice", aCal+"ag.ics", alice2, "If-Match", put.header.Get("ETag")).must(t, 204, "alice edit")
	e.put("bob", bCal+"ag.ics", event("ag", "20261212T150000Z", "20261212T160000Z", "AG (bob)"), "If-Match", got.header.Get("ETag")).must(t, 412, "bob stale")
	if e.do("alice", "GET", aCal+"ag.ics", "").body != alice2 {
		t.Fatal("alice's edit was lost")
	}
	// bob syncs, gets alice's version, and writes on top of it.
	r = sync("bob", bCal, bTok)
	r.has(t, "bob sees edit", bCal+"ag.ics")
	cur := e.do("bob", "GET", bCal+"ag.ics", "").must(t, 200, "bob refetch")
	if cur.body != alice2 {
		t.Fatal("bob does not see alice's edit")
	}
	e.put("bob", bCal+"ag.ics", event("ag", "20261212T140000Z", "20261212T170000Z", "AG (prolongée, salle B)"), "If-Match", cur.header.Get("ETag")).must(t, 204, "bob edit")
	r = sync("alice", aCal, aTok)
	r.has(t, "alice sees bob", aCal+"ag.ics")
	if !strings.Contains(e.do("alice", "GET", aCal+"ag.ics", "").body, "salle B") {
		t.Fatal("alice does not see bob's edit")
	}
}
