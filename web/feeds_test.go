package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

func TestFeedICS(t *testing.T) {
	f := newFixture(t)
	r := f.get("/feeds/agenda.ics")
	if r.code != 200 || r.hdr.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("ics: %d %q", r.code, r.hdr.Get("Content-Type"))
	}
	mustContain(t, "ics", r.body, "BEGIN:VCALENDAR", "METHOD:PUBLISH", "X-WR-CALNAME:Bastide — l'agenda des associations du Lot-et-Garonne",
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris", "UID:rando-mardi", "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T215959Z",
		"EXDATE;TZID=Europe/Paris:20260414T090000", "RECURRENCE-ID;TZID=Europe/Paris:20260428T090000", "STATUS:CANCELLED",
		"UID:fete-musique", "UID:festival", "UID:concert-annule", "UID:https://mobilizon.test/events/bal", "X-BASTIDE-PRICE:Gratuit")
	mustNotContain(t, "ics", r.body, "reunion-privee", "Réunion secrète", "UID:supprime", "URL:javascript")
	if n := strings.Count(r.body, "BEGIN:VTIMEZONE"); n != 1 {
		t.Errorf("one VTIMEZONE per zone, got %d", n)
	}
	for _, line := range strings.Split(r.body, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line not folded: %q", line)
		}
	}
	// Per-association feed.
	r = f.get("/feeds/agenda.ics?association=rando-villeneuve")
	mustContain(t, "ics assoc", r.body, "X-WR-CALNAME:Agenda — Randonneurs de Villeneuve", "UID:rando-mardi")
	mustNotContain(t, "ics assoc", r.body, "UID:fete-musique", "UID:festival")
	// Commune and text filters.
	r = f.get("/feeds/agenda.ics?commune=47157&q=printemps")
	mustContain(t, "ics filtered", r.body, "UID:fete-musique")
	mustNotContain(t, "ics filtered", r.body, "UID:concert-annule", "UID:rando-mardi")
}

func TestFeedBounds(t *testing.T) {
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "club")
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		e := dbtest.Event(cal.ID, "e"+itoa(i), testNow.Add(time.Duration(i+1)*time.Hour), "Réunion "+itoa(i))
		if _, err := s.PutEvent(ctx, db.Put{Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{t: t, s: s, h: New(s, nil, Options{BaseURL: testBase, MaxFeedEvents: 10, Now: func() time.Time { return testNow }})}
	if n := strings.Count(f.get("/feeds/agenda.ics").body, "BEGIN:VEVENT"); n != 10 {
		t.Errorf("ICS: %d events, want the bound of 10", n)
	}
	if n := strings.Count(f.get("/feeds/agenda.rss").body, "<item>"); n != 10 {
		t.Errorf("RSS: %d items, want 10", n)
	}
	if r := f.get("/api/events?limit=11"); r.code != 400 {
		t.Errorf("limit above the bound: %d", r.code)
	}
	// JSON paging with the cursor walks everything once.
	seen := map[string]bool{}
	next := "/api/events?limit=7"
	for pages := 0; next != "" && pages < 10; pages++ {
		var page apiPage
		r := f.get(next)
		if err := json.Unmarshal([]byte(r.body), &page); err != nil {
			t.Fatalf("%s: %v", next, err)
		}
		for _, e := range page.Events {
			if seen[e.UUID] {
				t.Fatalf("%s twice", e.Title)
			}
			seen[e.UUID] = true
		}
		next = strings.TrimPrefix(page.Next, testBase)
	}
	if len(seen) != 30 {
		t.Errorf("API paging saw %d events, want 30", len(seen))
	}
}

func TestFeedRSSAtomJSON(t *testing.T) {
	f := newFixture(t)
	r := f.get("/feeds/agenda.rss?commune=47157")
	if r.code != 200 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/rss+xml") {
		t.Fatalf("rss: %d %s", r.code, r.hdr.Get("Content-Type"))
	}
	var rss rssDoc
	if err := xml.Unmarshal([]byte(r.body), &rss); err != nil {
		t.Fatalf("rss: %v", err)
	}
	if rss.Version != "2.0" || len(rss.Channel.Items) != 2 || rss.Channel.Items[0].Title != "[ANNULÉ] Concert de jazz" ||
		rss.Channel.Items[1].Title != "Fête du printemps" || !strings.Contains(rss.Channel.Items[1].Description, "samedi 11 avril 2026 de 14 h 30 à 18 h") ||
		rss.Channel.Items[1].Link != testBase+"/events/"+f.uuids["fete-musique"] {
		t.Errorf("rss: %+v", rss.Channel.Items)
	}
	r = f.get("/feeds/agenda.atom?association=cine-agen&lang=en")
	var atom atomFeed
	if err := xml.Unmarshal([]byte(r.body), &atom); err != nil {
		t.Fatalf("atom: %v", err)
	}
	if atom.Title.Value != "Agenda — Ciné-club d'Agen" || len(atom.Entries) == 0 || atom.Entries[0].Title.Type != "text" ||
		!strings.Contains(atom.Entries[0].Summary.Value, "from Saturday 18 to Monday 20 April 2026") {
		t.Errorf("atom: %+v", atom)
	}
	r = f.get("/api/events?q=fete")
	var page apiPage
	if err := json.Unmarshal([]byte(r.body), &page); err != nil {
		t.Fatalf("json: %v", err)
	}
	var e apiEvent
	for _, x := range page.Events {
		if x.UUID == f.uuids["fete-musique"] {
			e = x
		}
	}
	if e.Title != "Fête du printemps" || e.Start != "2026-04-11T14:30:00+02:00" || e.Commune == nil || e.Commune.Name != "Marmande" ||
		e.Association == nil || e.Association.Slug != "fetes-marmande" || e.Geo == nil || e.Status != "confirmed" || e.ICS == "" {
		t.Errorf("json event: %+v", e)
	}
	// The moved occurrence of the series carries its own title.
	r2 := f.get("/api/events?association=rando-villeneuve&limit=20")
	var series apiPage
	if err := json.Unmarshal([]byte(r2.body), &series); err != nil {
		t.Fatal(err)
	}
	var moved, cancelled int
	for _, e := range series.Events {
		if e.Title == "Randonnée du mardi (déplacée au mercredi)" && e.Start == "2026-04-22T09:00:00+02:00" {
			moved++
		}
		if e.Status == "cancelled" && e.Start == "2026-04-28T09:00:00+02:00" {
			cancelled++
		}
		if strings.HasPrefix(e.Start, "2026-04-14") {
			t.Error("the EXDATE occurrence is in the API")
		}
	}
	if moved != 1 || cancelled != 1 {
		t.Errorf("series in the API: moved %d, cancelled %d", moved, cancelled)
	}
	if r.hdr.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("the JSON API is public and read-only: CORS *")
	}
}

func TestFeedsHostileInert(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/feeds/agenda.rss?limit=200", "/feeds/agenda.atom?limit=200"} {
		r := f.get(p)
		if err := xml.Unmarshal([]byte(r.body), new(struct{})); err != nil {
			t.Errorf("%s: not XML: %v", p, err)
		}
		// Raw '<' never reaches a reader: it is at least XML-escaped.
		mustNotContain(t, p, r.body, "<script", "<img", "<svg")
	}
	var rss rssDoc
	xml.Unmarshal([]byte(f.get("/feeds/agenda.rss?limit=200").body), &rss)
	found := false
	for _, it := range rss.Channel.Items {
		if strings.Contains(it.Title, "alert") {
			found = true
			// Readers that take RSS titles as HTML see escaped text; the
			// description is HTML made safe (markup): nothing that runs
			// or loads.
			if strings.Contains(it.Title, "<") {
				t.Errorf("rss title carries markup after XML decoding: %q", it.Title)
			}
			for _, bad := range []string{"<script", "<img", "<svg", `href="javascript`} {
				if strings.Contains(it.Description, bad) {
					t.Errorf("rss description carries %q after XML decoding: %q", bad, it.Description)
				}
			}
			if !strings.HasPrefix(it.Description, "<p>") {
				t.Errorf("rss description is not HTML: %q", it.Description)
			}
		}
	}
	if !found {
		t.Error("hostile items missing from RSS")
	}
	r := f.get("/api/events?limit=200")
	mustNotContain(t, "json", r.body, "<script", "<img", "javascript:")
	var page apiPage
	json.Unmarshal([]byte(r.body), &page)
	titles := map[string]apiEvent{}
	for _, e := range page.Events {
		titles[e.UUID] = e
	}
	if e := titles[f.uuids["hostile-local"]]; !strings.HasPrefix(e.Title, hostileSummary) || e.Website != "" {
		t.Errorf("json keeps text as data: %+v", e)
	}
	if e := titles[f.uuids["https://mobilizon.test/events/bal"]]; strings.Contains(e.Description, "<") || e.Origin != "remote" || e.Source != "mobilizon.test" {
		t.Errorf("remote description must be text: %+v", e)
	}
	r = f.get("/feeds/agenda.ics")
	mustNotContain(t, "ics", r.body, "URL:javascript", "END:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected")
}

func TestConditionalRequests(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/feeds/agenda.ics", "/feeds/agenda.rss", "/feeds/agenda.atom", "/api/events", "/", "/events/" + f.uuids["fete-musique"], "/embed"} {
		r := f.get(p)
		etag, lm := r.hdr.Get("ETag"), r.hdr.Get("Last-Modified")
		if r.code != 200 || etag == "" || lm == "" {
			t.Fatalf("%s: %d etag %q last-modified %q", p, r.code, etag, lm)
		}
		if r2 := f.get(p, "If-None-Match", etag); r2.code != http.StatusNotModified || r2.body != "" {
			t.Errorf("%s If-None-Match: %d", p, r2.code)
		}
		if r2 := f.get(p, "If-Modified-Since", lm); r2.code != http.StatusNotModified {
			t.Errorf("%s If-Modified-Since: %d", p, r2.code)
		}
		if r2 := f.get(p, "If-None-Match", `"other"`); r2.code != 200 {
			t.Errorf("%s other ETag: %d", p, r2.code)
		}
		// The same query gives the same ETag (derived from the change log and the query).
		if r2 := f.get(p); r2.hdr.Get("ETag") != etag {
			t.Errorf("%s: ETag not stable", p)
		}
	}
	// A write moves the change log: new content, new ETag, no stale cache.
	before := f.get("/feeds/agenda.ics")
	e := dbtest.Event(f.cals["cine-agen"].ID, "nouveau", testNow.Add(72*time.Hour), "Nouvelle séance")
	if _, err := f.s.PutEvent(context.Background(), db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
	after := f.get("/feeds/agenda.ics", "If-None-Match", before.hdr.Get("ETag"))
	if after.code != 200 || !strings.Contains(after.body, "UID:nouveau") || after.hdr.Get("ETag") == before.hdr.Get("ETag") {
		t.Errorf("after a write: %d, ETag %q (was %q)", after.code, after.hdr.Get("ETag"), before.hdr.Get("ETag"))
	}
	if r := f.get("/"); !strings.Contains(r.body, "Nouvelle séance") {
		t.Error("the agenda must show a new event at once")
	}
}

type feedEntryPy struct {
	Title, Link, ID, Summary string
	TitleType                string `json:"title_type"`
	SummaryType              string `json:"summary_type"`
}
