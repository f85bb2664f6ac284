package web

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Regressions found in acceptance QA of issue 5, one test per fix.

// The RSS self link and the Atom feed id come from the canonical query:
// the cached body is shared by every spelling of the same filters, so it
// must not echo the first requester's stray parameters.
func TestFeedSelfIsCanonical(t *testing.T) {
	f := newFixture(t)
	r := f.get("/feeds/agenda.atom?utm_source=x%3Cy&commune=47157&association=fetes-marmande&association=cine-agen")
	var atom atomFeed
	if err := xml.Unmarshal([]byte(r.body), &atom); err != nil {
		t.Fatalf("atom: %v", err)
	}
	want := testBase + "/feeds/agenda.atom?association=cine-agen&association=fetes-marmande&commune=47157"
	if atom.ID != want || atom.Links[0].Href != want {
		t.Errorf("atom id %q, self %q, want %q", atom.ID, atom.Links[0].Href, want)
	}
	// The same feed asked the other way round: the same id and body.
	r2 := f.get("/feeds/agenda.atom?association=fetes-marmande&commune=47157&association=cine-agen")
	if r2.body != r.body || r2.hdr.Get("ETag") != r.hdr.Get("ETag") {
		t.Error("two spellings of one query give two feeds")
	}
	r = f.get("/feeds/agenda.rss?q=fete&limit=5&junk=1")
	if !strings.Contains(r.body, `<atom:link href="`+testBase+`/feeds/agenda.rss?limit=5&amp;q=fete" rel="self"`) {
		t.Errorf("rss self link is not canonical:\n%s", r.body[:min(len(r.body), 600)])
	}
	if strings.Contains(r.body, "junk") {
		t.Error("a stray parameter is echoed in the feed")
	}
}

// A known price gives a schema.org Offer, not only a free one: an amount
// in euros becomes price + priceCurrency, any other text its description.
func TestJSONLDOffers(t *testing.T) {
	for _, c := range []struct{ price, amount string }{
		{"5 € la séance", "5"}, {"Tarif réduit 3,50 €, plein 7 €", "3.50"}, {"€12", "12"}, {"8 euros", "8"}, {"10 EUR", "10"},
		{"Gratuit", "0"}, {"Participation libre", ""}, {"2 ateliers", ""},
	} {
		p := &eventPage{Summary: "x", Price: c.price}
		a := &app{opts: Options{BaseURL: testBase}}
		ld := a.eventLD(&model.Event{UUID: "u"}, p, span{Start: testNow, End: testNow.Add(time.Hour)}, nil, nil, 0, 0, false)
		offer, ok := ld["offers"].(map[string]any)
		if !ok {
			t.Errorf("%q: no offer in %v", c.price, ld)
			continue
		}
		if offer["@type"] != "Offer" || offer["description"] != c.price || offer["url"] != testBase+"/events/u" {
			t.Errorf("%q: offer %v", c.price, offer)
		}
		if c.amount == "" {
			if _, has := offer["price"]; has {
				t.Errorf("%q: a price made up: %v", c.price, offer)
			}
		} else if offer["price"] != c.amount || offer["priceCurrency"] != "EUR" {
			t.Errorf("%q: offer %v, want price %s EUR", c.price, offer, c.amount)
		}
	}
	// Through the page: the recurring walk of the fixture costs 2 €.
	f := newFixture(t)
	ld := jsonLD(t, f.get("/events/"+f.uuids["rando-mardi"]).body)
	if offer, _ := ld["offers"].(map[string]any); offer["price"] != "2" || offer["priceCurrency"] != "EUR" || ld["isAccessibleForFree"] != false {
		t.Errorf("rando-mardi offers: %v", ld["offers"])
	}
}

// A month without events says so: on a phone the grid shows only the
// month's days that have events, so an empty month was a blank page.
func TestEmptyMonthSaysSo(t *testing.T) {
	f := newFixture(t)
	r := f.get("/?view=month&month=2026-02")
	if r.code != 200 {
		t.Fatalf("month: %d", r.code)
	}
	mustContain(t, "empty month", r.body, `<p class="empty">Aucun événement ce mois-ci pour ces critères.</p>`, `<table class="month">`)
	r = f.get("/?view=month&month=2026-02&lang=en")
	mustContain(t, "empty month en", r.body, "No event this month for these filters.")
	r = f.get("/?view=month&month=2026-04")
	mustNotContain(t, "month with events", r.body, "Aucun événement ce mois-ci")
}

// The filters are written on the page itself, not only in <title>: a
// printed agenda (the form is hidden on paper) says what it lists. Dates
// are in words and a long search keeps its closing quote.
func TestShownFilters(t *testing.T) {
	f := newFixture(t)
	r := f.get("/?association=fetes-marmande&from=2026-04-01&to=2026-04-30")
	mustContain(t, "shown", r.body,
		`<p class="shown"><strong>Sélection :</strong> Comité des fêtes de Marmande, du 1er avril au 30 avril 2026</p>`,
		"<title>Agenda des associations — Comité des fêtes de Marmande, du 1er avril au 30 avril 2026 · Bastide</title>")
	r = f.get("/?from=2026-12-20&to=2027-01-03&lang=en")
	mustContain(t, "shown en", r.body, "<strong>Showing:</strong> from 20 December 2026 to 3 January 2027</p>")
	r = f.get("/?from=2026-04-11")
	mustContain(t, "from only", r.body, "<strong>Sélection :</strong> à partir du 11 avril 2026</p>")
	r = f.get("/?q=" + strings.Repeat("long", 40))
	mustContain(t, "long search", r.body, "… »</p>", "… » · Bastide</title>")
	r = f.get("/")
	mustNotContain(t, "no filter", r.body, `class="shown"`)
	// The print sheet hides the form but not this line.
	css := string(assets["style.css"].body)
	print := css[strings.Index(css, "@media print"):]
	if strings.Contains(print, ".shown") || !strings.Contains(print, ".filters") {
		t.Error("the print sheet must hide the form and keep the shown filters")
	}
}

// Feed entries name the town once when the place already holds it.
func TestFeedEntryTownOnce(t *testing.T) {
	f := newFixture(t)
	r := f.get("/feeds/agenda.rss?association=rando-villeneuve")
	mustContain(t, "rss", r.body, "Place Lafayette, Villeneuve-sur-Lot")
	mustNotContain(t, "rss", r.body, "Villeneuve-sur-Lot — Villeneuve-sur-Lot")
}

// Accept-Language q=0 means "not this language".
func TestAcceptLanguageQZero(t *testing.T) {
	for h, want := range map[string]string{"en;q=0": "fr", "en;q=0, fr;q=0.1": "fr", "en;q=0.1": "en", "fr;q=0, en;q=0.2": "en", "en-GB, fr;q=0.5": "en"} {
		if got := fromAcceptLanguage(h); got != want {
			t.Errorf("%q: %s, want %s", h, got, want)
		}
	}
	f := newFixture(t)
	mustContain(t, "q=0", f.get("/", "Accept-Language", "en;q=0").body, `<html lang="fr">`)
}

// The language switch goes back only to a plain local path: every spelling
// of another host, and dot or empty segments that resolve to "//host", go
// to the home page.
func TestLangSwitchNoOpenRedirect(t *testing.T) {
	f := newFixture(t)
	for _, next := range []string{"//evil.example", "https:evil", `/\evil`, "%2F%2Fevil.example", "%2F%5Cevil", "https://evil.example",
		"/%2F/evil.example", "/%5C/evil", "%09//evil", "/%09/evil", "///evil.example", "javascript:alert(1)", "/.//evil",
		"/a/..//evil", "/%2e%2e//evil", "/%2E/%2Fevil", "/%0d%0aSet-Cookie:x=1", "http:%2F%2Fevil", "\\\\evil", "%5C%5Cevil",
		"/\u3000/evil", "//evil%00.example", "/%252F%252Fevil/.."} {
		for _, q := range []string{urlQueryEscape(next), next} {
			r := f.get("/lang/en?next=" + q)
			if r.code != 303 || !sameHostPath(r.hdr.Get("Location")) {
				t.Errorf("next=%q: %d Location %q", q, r.code, r.hdr.Get("Location"))
			}
		}
	}
	for _, next := range []string{"/.//evil", "/a/..//evil", "/%2e%2e//evil", "/%2E/%2Fevil", "///evil"} {
		if r := f.get("/lang/en?next=" + urlQueryEscape(next)); r.hdr.Get("Location") != "/" {
			t.Errorf("next=%q: Location %q, want /", next, r.hdr.Get("Location"))
		}
	}
	for next, want := range map[string]string{"/events/x?lang=fr": "/events/x?lang=fr", "/?q=f%C3%AAte&view=month": "/?q=f%C3%AAte&view=month", "/@cine-agen": "/@cine-agen"} {
		if r := f.get("/lang/en?next=" + urlQueryEscape(next)); r.hdr.Get("Location") != want {
			t.Errorf("next=%q: Location %q, want %q", next, r.hdr.Get("Location"), want)
		}
	}
}

// sameHostPath reports whether a Location, however a browser normalises
// it (dot segments, backslashes as slashes), stays on this host.
func sameHostPath(loc string) bool {
	if !strings.HasPrefix(loc, "/") || strings.ContainsAny(loc, "\\\r\n\t\x00 ") {
		return false
	}
	base, _ := url.Parse(testBase + "/a/b")
	u, err := url.Parse(loc)
	if err != nil {
		return false
	}
	r := base.ResolveReference(u)
	return r.Host == "agenda.test" && !strings.HasPrefix(r.Path, "//")
}

// The widget's colours stay readable whatever a site passes: the text
// colour is the better of dark and light, and the accent is moved towards
// it until it reaches 4.5:1 on the background.
func TestEmbedThemeReadable(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ color, bg, keep string }{
		{"1a5fb4", "222222", ""}, {"ffff00", "ffffff", ""}, {"9a3412", "ffffff", "9a3412"}, {"", "777777", ""},
		{"fff", "000", "ffffff"}, {"000000", "000000", ""}, {"1a5fb4", "", "1a5fb4"},
	} {
		r := f.get("/embed/theme.css?color=" + c.color + "&bg=" + c.bg)
		if r.code != 200 {
			t.Fatalf("%v: %d", c, r.code)
		}
		m := regexp.MustCompile(`--accent:#([0-9a-f]{6});--bg:#([0-9a-f]{6});--fg:#([0-9a-f]{6})`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("%v: %s", c, r.body)
		}
		if c.bg == "777777" {
			// Mid grey: nothing reaches 4.5:1, the accent falls back to the text colour.
			if m[1] != m[3] {
				t.Errorf("%v: accent %s, want the text colour %s", c, m[1], m[3])
			}
		} else if got := contrast(m[1], m[2]); got < 4.5 {
			t.Errorf("%v: accent #%s on #%s is %.2f:1", c, m[1], m[2], got)
		}
		if got := contrast(m[3], m[2]); got < 4.5 && c.bg != "777777" {
			t.Errorf("%v: text #%s on #%s is %.2f:1", c, m[3], m[2], got)
		}
		if c.keep != "" && m[1] != c.keep {
			t.Errorf("%v: a readable accent was changed to %s", c, m[1])
		}
	}
}

// The month grid and the week show an event of several days on each day
// it covers, not only on its first: on Sunday the festival is still on.
func TestMultiDayOnEachDay(t *testing.T) {
	f := newFixture(t)
	href := `href="/events/` + f.uuids["festival"] + `"`
	cell := func(body, iso string) string {
		i := strings.Index(body, `<time datetime="`+iso+`">`)
		if i < 0 {
			t.Fatalf("no cell %s", iso)
		}
		j := strings.Index(body[i:], "</td>")
		return body[i : i+j]
	}
	r := f.get("/?view=month&month=2026-04")
	for _, iso := range []string{"2026-04-18", "2026-04-19", "2026-04-20"} {
		if !strings.Contains(cell(r.body, iso), href) {
			t.Errorf("month: the festival is not on %s", iso)
		}
	}
	for _, iso := range []string{"2026-04-17", "2026-04-21"} {
		if strings.Contains(cell(r.body, iso), href) {
			t.Errorf("month: the festival is on %s", iso)
		}
	}
	r = f.get("/?view=week&week=2026-04-13")
	for _, iso := range []string{"2026-04-18", "2026-04-19"} {
		i := strings.Index(r.body, `id="d-`+iso+`"`)
		j := strings.Index(r.body[i:], "</section>")
		if i < 0 || !strings.Contains(r.body[i:i+j], href) {
			t.Errorf("week: the festival is not on %s", iso)
		}
	}
	// The list names it once, on its first day.
	if n := strings.Count(f.get("/?association=cine-agen").body, href); n != 1 {
		t.Errorf("list: the festival appears %d times", n)
	}
}

// An online event whose LOCATION is its link says "En ligne" in lists,
// the widget and the feeds instead of printing the link as a place.
func TestOnlineEventInLists(t *testing.T) {
	f := newFixture(t)
	f.putICS(f.cals["cine-agen"], `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:visio-list
DTSTAMP:20260301T000000Z
DTSTART:20260415T180000Z
DTEND:20260415T190000Z
SUMMARY:Atelier en ligne
LOCATION:https://visio.example/atelier
END:VEVENT
END:VCALENDAR`, nil)
	for _, path := range []string{"/?association=cine-agen", "/embed?association=cine-agen&n=20", "/@cine-agen"} {
		r := f.get(path)
		i := strings.Index(r.body, "Atelier en ligne")
		if i < 0 {
			t.Fatalf("%s: no online event", path)
		}
		mustContain(t, path, r.body[i:], `<span class="place">En ligne</span>`)
		mustNotContain(t, path, r.body, ">https://visio.example/atelier<")
	}
	r := f.get("/feeds/agenda.rss?association=cine-agen&lang=en")
	mustContain(t, "rss", r.body, "Wednesday 15 April", "— Online")
	mustNotContain(t, "rss", r.body, "— https://visio.example")
}

// What calendar apps check in a subscription (Apple Calendar, Google
// Calendar by URL, Thunderbird): the calendar's own properties, CRLF line
// ends only, and UID, DTSTAMP and DTSTART in every event.
func TestFeedICSSubscription(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/feeds/agenda.ics", "/events/" + "%s" + ".ics"} {
		if strings.Contains(path, "%s") {
			path = strings.Replace(path, "%s", f.uuids["rando-mardi"], 1)
		}
		r := f.get(path)
		if r.code != 200 || r.hdr.Get("Content-Type") != "text/calendar; charset=utf-8" {
			t.Fatalf("%s: %d %q", path, r.code, r.hdr.Get("Content-Type"))
		}
		if !strings.HasPrefix(r.body, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:") || !strings.HasSuffix(r.body, "END:VCALENDAR\r\n") {
			t.Errorf("%s: calendar head or tail: %q … %q", path, r.body[:min(60, len(r.body))], r.body[max(0, len(r.body)-20):])
		}
		mustContain(t, path, r.body, "\r\nCALSCALE:GREGORIAN\r\n", "\r\nMETHOD:PUBLISH\r\n", "\r\nX-WR-CALNAME:", "\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n")
		if strings.Count(r.body, "\n") != strings.Count(r.body, "\r\n") {
			t.Errorf("%s: bare LF line ends", path)
		}
		events := strings.Split(r.body, "BEGIN:VEVENT\r\n")[1:]
		if len(events) == 0 {
			t.Fatalf("%s: no event", path)
		}
		for _, ev := range events {
			ev = ev[:strings.Index(ev, "END:VEVENT\r\n")]
			for _, prop := range []string{"UID", "DTSTAMP", "DTSTART"} {
				if !strings.HasPrefix(ev, prop) && !strings.Contains(ev, "\r\n"+prop) {
					t.Errorf("%s: an event without %s:\n%s", path, prop, ev)
				}
			}
		}
	}
	r := f.get("/feeds/agenda.ics")
	mustContain(t, "feed", r.body, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", "\r\nX-PUBLISHED-TTL:PT1H\r\n", "\r\nX-WR-TIMEZONE:Europe/Paris\r\n")
	// The subscription link of the page is the webcal:// form of the same feed.
	mustContain(t, "agenda", f.get("/?commune=47157").body, `href="webcal://agenda.test/feeds/agenda.ics?commune=47157"`)
}

// A 400 page says the right bound for each number (the widget's n stops at
// 50, not at the feeds' 1 000), says that a well-formed date may not exist,
// and quotes only the start of a long value.
func TestBadRequestMessages(t *testing.T) {
	f := newFixture(t)
	r := f.get("/embed?n=80")
	mustContain(t, "embed n", r.body, "Le nombre « 80 » doit être un entier entre 1 et 50.")
	r = f.get("/api/events?limit=5000")
	mustContain(t, "api limit", r.body, "entre 1 et 1000")
	r = f.get("/?from=2026-02-29&lang=en")
	mustContain(t, "feb 29", r.body, "The date “2026-02-29” does not exist or is not in the YYYY-MM-DD format.")
	long := strings.Repeat("x", 3000)
	for _, path := range []string{"/?after=" + long, "/api/events?from=" + long, "/feeds/agenda.ics?to=" + long} {
		r = f.get(path)
		if r.code != 400 || strings.Contains(r.body, strings.Repeat("x", 41)) || !strings.Contains(r.body, strings.Repeat("x", 40)+"…") {
			t.Errorf("%.40s: %d, %d bytes: the value is not cut", path, r.code, len(r.body))
		}
	}
}

// When the next date of a series is cancelled, the page leads with the
// following one that takes place (the cancelled one stays, struck through,
// in the list of next dates).
func TestSeriesLeadsWithNextHeldDate(t *testing.T) {
	f := newFixture(t)
	f.putICS(f.cals["cine-agen"], `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:atelier-jeudi
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260402T180000
DTEND;TZID=Europe/Paris:20260402T200000
RRULE:FREQ=WEEKLY;COUNT=6
SUMMARY:Atelier du jeudi
END:VEVENT
BEGIN:VEVENT
UID:atelier-jeudi
DTSTAMP:20260301T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260409T180000
DTSTART;TZID=Europe/Paris:20260409T180000
DTEND;TZID=Europe/Paris:20260409T200000
STATUS:CANCELLED
SUMMARY:Atelier du jeudi
END:VEVENT
END:VCALENDAR`, nil)
	r := f.get("/events/" + f.uuids["atelier-jeudi"])
	mustContain(t, "series", r.body,
		`<dt>Date</dt><dd><time datetime="2026-04-16T18:00:00&#43;02:00">jeudi 16 avril 2026 de 18 h à 20 h</time>`,
		"<del>jeudi 9 avril 2026 de 18 h à 20 h</del>", "Cette date est annulée")
	if ld := jsonLD(t, r.body); ld["startDate"] != "2026-04-16T18:00:00+02:00" {
		t.Errorf("JSON-LD startDate %v", ld["startDate"])
	}
}

// A recurring event's JSON-LD carries its schema.org Schedule, so that a
// reader of the data knows the date shown is one of a series.
func TestJSONLDSchedule(t *testing.T) {
	f := newFixture(t)
	ld := jsonLD(t, f.get("/events/"+f.uuids["rando-mardi"]).body)
	sch, ok := ld["eventSchedule"].(map[string]any)
	if !ok {
		t.Fatalf("no eventSchedule in %v", ld)
	}
	want := map[string]any{"@type": "Schedule", "repeatFrequency": "P1W", "byDay": []any{"https://schema.org/Tuesday"},
		"endDate": "2026-06-30", "scheduleTimezone": "Europe/Paris", "startTime": "09:00:00", "endTime": "12:00:00"}
	for k, v := range want {
		if got, _ := json.Marshal(sch[k]); string(got) != string(must(json.Marshal(v))) {
			t.Errorf("eventSchedule %s = %s, want %v", k, got, v)
		}
	}
	if sd, _ := sch["startDate"].(string); !strings.HasPrefix(sd, "2026-0") {
		t.Errorf("eventSchedule startDate %v", sch["startDate"])
	}
	ld = jsonLD(t, f.get("/events/"+f.uuids["cine-debat"]).body)
	if _, has := ld["eventSchedule"]; has {
		t.Errorf("\"the first Saturday\" has no plain Schedule form, got %v", ld["eventSchedule"])
	}
	ld = jsonLD(t, f.get("/events/"+f.uuids["fete-musique"]).body)
	if _, has := ld["eventSchedule"]; has {
		t.Error("a single event has a schedule")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
