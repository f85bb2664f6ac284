package web

import (
	"encoding/xml"
	"strings"
	"testing"
)

// An event's description is a small Markdown on its page and in the
// feeds, made safe by markup; plain text with bare links reads as it did,
// the links clickable; iCalendar keeps the text as it was written.
func TestEventDescriptionMarkdown(t *testing.T) {
	f := newFixture(t)
	desc := `Bal *folk* avec **Trad'Agen**\n- buvette\n- crêpes\n\nInfos : https://agen.fr/bal\n[clic](javascript:alert(1)) <script>alert(2)</script>\n![pixel](https://tracker.example/p.png)`
	e := f.putICS(f.cals["cine-agen"], `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:bal-markdown
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260415T200000
DTEND;TZID=Europe/Paris:20260415T230000
SUMMARY:Bal markdown
LOCATION:Agen
DESCRIPTION:`+desc+`
END:VEVENT
END:VCALENDAR`, nil)
	r := f.get("/events/" + e.UUID)
	// The rendered text; the meta description and JSON-LD keep the text
	// as data.
	_, text, _ := strings.Cut(r.body, `<div class="text rich">`)
	text, _, _ = strings.Cut(text, "</section>")
	mustContain(t, "page", text, "<em>folk</em>", "<strong>Trad&#39;Agen</strong>", "<li>buvette</li>",
		`<a href="https://agen.fr/bal" rel="nofollow">https://agen.fr/bal</a>`)
	mustNotContain(t, "page", text, "javascript:alert", "<script>alert(2)", "tracker.example")

	rss := f.get("/feeds/agenda.rss?limit=200")
	var doc rssDoc
	if err := xml.Unmarshal([]byte(rss.body), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range doc.Channel.Items {
		if it.Title == "Bal markdown" {
			found = true
			mustContain(t, "rss", it.Description, "<em>folk</em>", "<li>crêpes</li>", `href="https://agen.fr/bal"`)
			mustNotContain(t, "rss", it.Description, "javascript:", "<script", "tracker.example")
		}
	}
	if !found {
		t.Fatal("the event is not in the RSS feed")
	}
	atom := f.get("/feeds/agenda.atom?limit=200")
	mustContain(t, "atom", atom.body, `<summary type="html">`, "&lt;em&gt;folk&lt;/em&gt;")

	ics := f.get("/feeds/agenda.ics")
	mustContain(t, "ics", ics.body, `DESCRIPTION:Bal *folk* avec **Trad'Agen**\n- buvette`)
	if strings.Contains(ics.body, "<em>") {
		t.Error("the ICS feed carries HTML")
	}
}
