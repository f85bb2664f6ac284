package web

import (
	"encoding/json"
	"golang.org/x/net/html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

var ldRe = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

func jsonLD(t *testing.T, body string) map[string]any {
	t.Helper()
	m := ldRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD block")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	return ld
}

func TestEventPage(t *testing.T) {
	f := newFixture(t)
	r := f.get("/events/" + f.uuids["fete-musique"])
	if r.code != 200 {
		t.Fatalf("event: %d", r.code)
	}
	mustContain(t, "event", r.body,
		"<h1>Fête du printemps</h1>", "samedi 11 avril 2026 de 14 h 30 à 18 h",
		"Salle des fêtes", "12 rue de la Libération", "47200 Marmande",
		`href="https://www.openstreetmap.org/?mlat=44.500500&amp;mlon=0.165000#map=17/44.500500/0.165000"`,
		"<dt>Tarif</dt><dd>Gratuit</dd>", "Salle accessible en fauteuil roulant", "Boucle magnétique",
		`<a href="/@fetes-marmande">Comité des fêtes de Marmande</a>`,
		`href="/events/`+f.uuids["fete-musique"]+`.ics" download`, "@fetes-marmande@agenda.test",
		"Musique, danse et buvette.\nVenez nombreux !", `href="https://fetes.example/printemps"`,
		`<meta property="og:title" content="Fête du printemps">`)
	ld := jsonLD(t, r.body)
	if ld["@type"] != "Event" || ld["name"] != "Fête du printemps" || ld["startDate"] != "2026-04-11T14:30:00+02:00" ||
		ld["eventStatus"] != "https://schema.org/EventScheduled" || ld["isAccessibleForFree"] != true {
		t.Errorf("JSON-LD: %v", ld)
	}
	loc, _ := ld["location"].(map[string]any)
	if addr, _ := loc["address"].(map[string]any); addr["addressLocality"] != "Marmande" || addr["postalCode"] != "47200" {
		t.Errorf("JSON-LD location: %v", loc)
	}

	// Recurring: words, next dates with the exception and the cancellation.
	r = f.get("/events/" + f.uuids["rando-mardi"])
	mustContain(t, "recurring", r.body, "tous les mardis jusqu&#39;au 30 juin", "Prochaines dates",
		"mardi 7 avril 2026 de 9 h à 12 h", "mercredi 22 avril 2026 de 9 h à 12 h",
		"<del>mardi 28 avril 2026 de 9 h à 12 h</del>", "Cette date est annulée",
		"<dt>Tarif</dt><dd>2 € pour les non-adhérents</dd>", "parcours non accessible aux fauteuils",
		`href="https://www.openstreetmap.org/search?query=Place%20Lafayette%2C%20Villeneuve-sur-Lot"`)
	mustNotContain(t, "recurring", r.body, "mardi 14 avril 2026")
	r = f.get("/events/" + f.uuids["rando-mardi"] + "?lang=en")
	mustContain(t, "recurring en", r.body, `<html lang="en">`, "every Tuesday until 30 June", "Tuesday 7 April 2026, 9 am to 12 pm")

	r = f.get("/events/" + f.uuids["cine-debat"])
	mustContain(t, "monthly", r.body, "le premier samedi de chaque mois, 6 fois", `href="https://visio.example/cine"`, "Rejoindre en ligne")
	if ld := jsonLD(t, r.body); ld["eventAttendanceMode"] != "https://schema.org/MixedEventAttendanceMode" {
		t.Errorf("online + place: %v", ld["eventAttendanceMode"])
	}
	// An online event whose LOCATION is its link (as federation stores online Mobilizon events).
	f.putICS(f.cals["cine-agen"], `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:visio
DTSTAMP:20260301T000000Z
DTSTART:20260415T180000Z
DTEND:20260415T190000Z
SUMMARY:Atelier en ligne
LOCATION:https://visio.example/atelier
END:VEVENT
END:VCALENDAR`, nil)
	f.h = New(f.s, nil, Options{BaseURL: testBase, Now: func() time.Time { return testNow }})
	r = f.get("/events/" + f.uuids["visio"])
	mustContain(t, "online", r.body, `<dt>En ligne</dt><dd><a href="https://visio.example/atelier"`)
	mustNotContain(t, "online", r.body, "<dt>Lieu</dt>", "openstreetmap")
	if ld := jsonLD(t, r.body); ld["eventAttendanceMode"] != "https://schema.org/OnlineEventAttendanceMode" {
		t.Errorf("online JSON-LD: %v", ld["eventAttendanceMode"])
	}
	r = f.get("/events/" + f.uuids["festival"])
	mustContain(t, "all-day", r.body, "du samedi 18 au lundi 20 avril 2026")
	if ld := jsonLD(t, r.body); ld["startDate"] != "2026-04-18" || ld["endDate"] != "2026-04-20" {
		t.Errorf("all-day JSON-LD: %v %v", ld["startDate"], ld["endDate"])
	}

	// A cancellation is unmistakable: banner, strikethrough and words.
	r = f.get("/events/" + f.uuids["concert-annule"])
	mustContain(t, "cancelled", r.body, `class="banner banner-cancel"`, "Cet événement est annulé.",
		"<del>Concert de jazz</del>", `badge-cancel">Annulé</span>`)
	if ld := jsonLD(t, r.body); ld["eventStatus"] != "https://schema.org/EventCancelled" {
		t.Errorf("cancelled JSON-LD: %v", ld["eventStatus"])
	}

	// Private, deleted, unknown, malformed.
	if r := f.get("/events/" + f.uuids["reunion-privee"]); r.code != 404 || strings.Contains(r.body, "Réunion") {
		t.Errorf("private event: %d", r.code)
	}
	if r := f.get("/events/" + f.uuids["reunion-privee"] + ".ics"); r.code != 404 {
		t.Errorf("private event ics: %d", r.code)
	}
	r = f.get("/events/" + f.uuids["supprime"])
	if r.code != 410 {
		t.Fatalf("deleted event: %d", r.code)
	}
	mustContain(t, "gone", r.body, "Cet événement a été supprimé par son organisateur.", "Revenir à l&#39;agenda")
	if r := f.get("/events/00000000-0000-4000-8000-000000000000"); r.code != 404 || !strings.Contains(r.body, "Cette page n&#39;existe pas.") {
		t.Errorf("unknown event: %d", r.code)
	}
	if r := f.get("/events/not-a-uuid"); r.code != 404 {
		t.Errorf("malformed id: %d", r.code)
	}

	// The event's .ics.
	r = f.get("/events/" + f.uuids["rando-mardi"] + ".ics")
	if r.code != 200 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/calendar") {
		t.Fatalf("event ics: %d %s", r.code, r.hdr.Get("Content-Type"))
	}
	mustContain(t, "event ics", r.body, "BEGIN:VTIMEZONE", "TZID:Europe/Paris", "UID:rando-mardi",
		"RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T215959Z", "EXDATE;TZID=Europe/Paris:20260414T090000",
		"RECURRENCE-ID;TZID=Europe/Paris:20260421T090000")
	if cd := r.hdr.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("event ics disposition: %q", cd)
	}
}

func TestAssociationPage(t *testing.T) {
	f := newFixture(t)
	r := f.get("/@cine-agen")
	if r.code != 200 {
		t.Fatalf("association: %d", r.code)
	}
	mustContain(t, "association", r.body, "<h1>Ciné-club d&#39;Agen</h1>", "Projections et débats\ndepuis 1972.",
		`href="https://cine.example/"`, "<dd>Agen</dd>", "@cine-agen@agenda.test",
		"webcal://agenda.test/feeds/agenda.ics?association=cine-agen", "https://agenda.test/feeds/agenda.rss?association=cine-agen",
		"Festival du film court", `<textarea id="w-code" readonly rows="4">&lt;iframe src=&#34;https://agenda.test/embed?association=cine-agen&#34;`,
		`<label for="w-code">`, `href="/?association=cine-agen"`)
	mustNotContain(t, "association", r.body, "Réunion secrète", "Randonnée")
	if r := f.get("/@nobody"); r.code != 404 {
		t.Errorf("unknown association: %d", r.code)
	}
	if r := f.get("/@Bad_Slug"); r.code != 404 {
		t.Errorf("bad slug: %d", r.code)
	}
}

func TestEmbed(t *testing.T) {
	f := newFixture(t)
	r := f.get("/embed?association=rando-villeneuve&n=2&color=%231a5fb4&bg=fff&style=detailed")
	if r.code != 200 {
		t.Fatalf("embed: %d %s", r.code, r.body)
	}
	if csp := r.hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "'none'; frame") {
		t.Errorf("embed CSP: %q", csp)
	}
	if r.hdr.Get("X-Frame-Options") != "" {
		t.Error("the widget must be frameable: no X-Frame-Options")
	}
	if n := strings.Count(r.body, `target="_blank" rel="noopener"`); n != 3 { // 2 events + "whole agenda"
		t.Errorf("embed: %d links, want 2 events and the agenda link", n)
	}
	mustContain(t, "embed", r.body, "Prochains événements — Randonneurs de Villeneuve", `href="/embed/theme.css?bg=ffffff&amp;color=1a5fb4"`,
		`href="https://agenda.test/events/`, "Randonnée du mardi", `class="detailed"`)
	r = f.get("/embed/theme.css?bg=ffffff&color=1a5fb4")
	if r.code != 200 || !strings.Contains(r.body, "--accent:#1a5fb4;--bg:#ffffff;--fg:#1c1917") {
		t.Errorf("theme: %d %s", r.code, r.body)
	}
	if r := f.get("/embed/theme.css?bg=000000"); !strings.Contains(r.body, "--fg:#fafaf9") {
		t.Errorf("dark background needs light text: %s", r.body)
	}
	for _, bad := range []string{"color=red%3B}body{display:none", "bg=%23fff%22", "n=0", "n=51", "n=x", "style=huge"} {
		if r := f.get("/embed?" + bad); r.code != 400 {
			t.Errorf("embed %s: %d, want 400", bad, r.code)
		}
	}
	if r := f.get("/embed/theme.css?color=red%3B}*{x:y"); r.code != 400 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/plain") {
		t.Errorf("theme with a bad colour: %d %q", r.code, r.body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/", "/?view=month", "/events/" + f.uuids["fete-musique"], "/@cine-agen", "/nowhere",
		"/events/" + f.uuids["supprime"], "/feeds/agenda.ics", "/api/events", "/?from=bad"} {
		r := f.get(p)
		csp := r.hdr.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", p)
		}
		if r.hdr.Get("X-Frame-Options") != "DENY" || r.hdr.Get("X-Content-Type-Options") != "nosniff" ||
			r.hdr.Get("Referrer-Policy") != "strict-origin-when-cross-origin" {
			t.Errorf("%s: headers %v", p, r.hdr)
		}
		if strings.HasPrefix(r.hdr.Get("Content-Type"), "text/html") && (strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=\"")) {
			t.Errorf("%s: inline script or style would break under the CSP", p)
		}
	}
	// Content-hash assets with a long cache; a stale hash is 404.
	path := assetPath("style.css")
	r := f.get(path)
	if r.code != 200 || !strings.Contains(r.hdr.Get("Cache-Control"), "immutable") || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/css") {
		t.Errorf("asset: %d %v", r.code, r.hdr)
	}
	if r := f.get("/static/0000000000000000/style.css"); r.code != 404 {
		t.Errorf("stale asset hash: %d", r.code)
	}
	if !regexp.MustCompile(`^/static/[0-9a-f]{16}/style\.css$`).MatchString(path) {
		t.Errorf("asset path %q", path)
	}
	if r := f.get("/"); !strings.Contains(r.body, `href="`+path+`"`) {
		t.Error("pages must link the content-hash asset")
	}
	if r := f.get("/favicon.ico"); r.code != 200 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "image/svg+xml") {
		t.Errorf("favicon: %d %s", r.code, r.hdr.Get("Content-Type"))
	}
	// Print view and focus styles exist.
	css := string(assets["style.css"].body)
	mustContain(t, "css", css, "@media print", ":focus-visible", ".skip:focus", "@media (max-width: 48rem)")
}

func TestLanguage(t *testing.T) {
	f := newFixture(t)
	r := f.get("/", "Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")
	mustContain(t, "accept-language", r.body, `<html lang="en">`, "Agenda of the associations", "Skip to content",
		`href="/lang/fr?next=%2F"`, "Français")
	mustNotContain(t, "accept-language", r.body, "Aller au contenu")
	if !strings.Contains(r.hdr.Get("Vary"), "Accept-Language") {
		t.Error("Vary must name Accept-Language")
	}
	r = f.get("/", "Accept-Language", "de-DE,fr;q=0.8,en;q=0.5")
	mustContain(t, "accept-language fr", r.body, `<html lang="fr">`)
	r = f.get("/?lang=en&q=fete")
	if !strings.Contains(r.hdr.Get("Set-Cookie"), "bastide_lang=en") {
		t.Errorf("?lang=en must set the cookie: %q", r.hdr.Get("Set-Cookie"))
	}
	mustContain(t, "?lang=en", r.body, `<html lang="en">`, `href="/lang/fr?next=%2F%3Fq%3Dfete"`)
	r = f.get("/", "Cookie", "bastide_lang=en")
	mustContain(t, "cookie", r.body, `<html lang="en">`)
	r = f.get("/", "Cookie", "bastide_lang=xx")
	mustContain(t, "bad cookie", r.body, `<html lang="fr">`)

	// The switch goes back only to local paths.
	for next, want := range map[string]string{
		"/?q=fete&commune=47157": "/?q=fete&commune=47157",
		"/events/x":              "/events/x",
		"//evil.test/":           "/",
		"/\\evil.test":           "/",
		"https://evil.test/":     "/",
		"javascript:alert(1)":    "/",
		"/%0d%0aSet-Cookie:x=y":  "/%0d%0aSet-Cookie:x=y",
		"":                       "/",
	} {
		req := httptest.NewRequest(http.MethodGet, "/lang/en?next="+urlQueryEscape(next), nil)
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
			t.Errorf("next=%q: %d Location %q, want %q", next, rec.Code, rec.Header().Get("Location"), want)
		}
		if !strings.Contains(rec.Header().Get("Set-Cookie"), "bastide_lang=en") {
			t.Errorf("switch must set the cookie")
		}
	}
	if r := f.get("/lang/de"); r.code != 404 {
		t.Errorf("unknown language: %d", r.code)
	}
}

// Hostile fields, local (through the store) and remote (a Mobilizon
// event), render inert on every HTML page and in the JSON-LD.
func TestHostileFieldsInertHTML(t *testing.T) {
	f := newFixture(t)
	pages := []string{"/", "/?view=month", "/?view=week", "/?lang=en", "/@hostile",
		"/events/" + f.uuids["hostile-local"], "/events/" + f.uuids["https://mobilizon.test/events/bal"],
		"/embed?style=detailed&n=50", "/?q=" + urlQueryEscape(hostileSummary), "/?category=" + urlQueryEscape("<b>cat</b>"),
		"/?from=" + urlQueryEscape(`"><script>alert(1)</script>`)}
	for _, p := range pages {
		r := f.get(p)
		if r.code != 200 && r.code != 400 {
			t.Errorf("%s: %d", p, r.code)
		}
		if live := liveMarkup(r.body); len(live) > 0 {
			t.Errorf("%s: live markup %q", p, live)
		}
		for _, m := range ldRe.FindAllStringSubmatch(r.body, -1) {
			if strings.Contains(strings.ToLower(m[1]), "</script") || strings.Contains(m[1], "<") {
				t.Errorf("%s: JSON-LD can close its script element", p)
			}
			var v any
			if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
				t.Errorf("%s: JSON-LD: %v", p, err)
			}
		}
	}
	r := f.get("/events/" + f.uuids["hostile-local"])
	mustContain(t, "hostile local", r.body, "&lt;script&gt;alert(&#34;x1&#34;)&lt;/script&gt;", "très long titre")
	ld := jsonLD(t, r.body)
	if !strings.HasPrefix(ld["name"].(string), hostileSummary) {
		t.Errorf("JSON-LD keeps the text as data: %q", ld["name"])
	}
	r = f.get("/events/" + f.uuids["https://mobilizon.test/events/bal"])
	mustContain(t, "hostile remote", r.body, "Bal &lt;script&gt;", "Bal trad", "lien", "Publié sur mobilizon.test",
		`<a href="https://mobilizon.test/@bal" rel="nofollow noopener noreferrer ugc">Mobilizon</a>`)
	if org, _ := jsonLD(t, r.body)["organizer"].(map[string]any); org["name"] != "Mobilizon" || org["url"] != "https://mobilizon.test/@bal" {
		t.Errorf("remote organiser in JSON-LD: %v", org)
	}
	mustNotContain(t, "hostile remote", r.body, "alert(&#34;r2&#34;)", "javascript")
}

// liveMarkup parses a page as a browser would and lists what could run or
// load: scripts other than JSON-LD data, event-handler attributes, elements
// that embed content, and javascript: / data: links.
func liveMarkup(body string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script":
			typ := ""
			for _, a := range tok.Attr {
				if a.Key == "type" {
					typ = a.Val
				}
				if a.Key == "src" {
					out = append(out, "script src")
				}
			}
			if typ != "application/ld+json" {
				out = append(out, "script")
			}
		case "img", "svg", "iframe", "object", "embed", "math", "form", "base", "meta":
			if tok.Data == "meta" {
				for _, a := range tok.Attr {
					if a.Key == "http-equiv" {
						out = append(out, "meta http-equiv")
					}
				}
				continue
			}
			if tok.Data == "form" {
				continue
			}
			out = append(out, tok.Data)
		}
		for _, a := range tok.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if strings.HasPrefix(a.Key, "on") || a.Key == "srcdoc" || a.Key == "style" {
				out = append(out, tok.Data+" "+a.Key)
			}
			if (a.Key == "href" || a.Key == "src" || a.Key == "action") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:")) {
				out = append(out, tok.Data+" "+a.Key+"="+v)
			}
		}
	}
}

func urlQueryEscape(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", " ", "+", "#", "%23", "?", "%3F", "\\", "%5C", "\"", "%22", "<", "%3C", ">", "%3E")
	return r.Replace(s)
}

func TestErrorsWithoutInternals(t *testing.T) {
	f := newFixture(t)
	r := f.get("/no/such/page")
	if r.code != 404 || !strings.Contains(r.body, "Cette page n&#39;existe pas.") || !strings.Contains(r.body, `<html lang="fr">`) {
		t.Errorf("404: %d", r.code)
	}
	r = f.get("/api/events?limit=abc")
	var body struct {
		Error struct {
			Status  int    `json:"status"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if r.code != 400 || json.Unmarshal([]byte(r.body), &body) != nil || body.Error.Status != 400 || !strings.Contains(body.Error.Message, "abc") {
		t.Errorf("API 400: %d %s", r.code, r.body)
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	if rec.Code != 405 {
		t.Errorf("POST /: %d", rec.Code)
	}
	// A database failure is a friendly 500 without internal text.
	f.s.Close()
	for _, p := range []string{"/", "/events/" + f.uuids["fete-musique"], "/feeds/agenda.ics", "/api/events"} {
		r := f.get(p)
		if r.code != 500 {
			t.Errorf("%s with a closed database: %d", p, r.code)
		}
		mustNotContain(t, p, strings.ToLower(r.body), "sql", "database", "closed", "db:", ".go")
	}
	if r := f.get("/"); !strings.Contains(r.body, "Un problème est survenu de notre côté") {
		t.Errorf("500 page: %s", r.body)
	}
}

func TestPureHelpers(t *testing.T) {
	if h := (&app{opts: Options{BaseURL: "http://LocalHost:8080"}}).handle("club"); h != "@club@localhost:8080" {
		t.Errorf("handle: %q", h)
	}
	if got := liveMarkup(`<p>x</p><img src=x onerror=alert(1)><a href="JaVaScRiPt:alert(1)">y</a><script>1</script><script type="application/ld+json">{}</script>`); len(got) != 4 {
		t.Errorf("liveMarkup must see live markup: %q", got)
	}
	for in, want := range map[string]string{"en-US,en;q=0.9": "en", "fr-FR": "fr", "": "fr", "de": "fr", "fr;q=0.3,en;q=0.7": "en"} {
		if got := fromAcceptLanguage(in); got != want {
			t.Errorf("Accept-Language %q: %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"#1A5FB4": "1a5fb4", "abc": "aabbcc", "": ""} {
		if got, ok := parseColor(in); !ok || got != want {
			t.Errorf("colour %q: %q %v", in, got, ok)
		}
	}
	for _, bad := range []string{"red", "#12345", "1a5fb4;", "url(x)"} {
		if _, ok := parseColor(bad); ok {
			t.Errorf("colour %q accepted", bad)
		}
	}
	got := htmlToText(`<p>Un <b>bal</b></p><script>alert(1)</script><ul><li>a</li><li>b</li></ul><style>x{}</style>fin<br>ligne`)
	if got != "Un bal\n\n• a\n• b\n\nfin\nligne" {
		t.Errorf("htmlToText: %q", got)
	}
}
