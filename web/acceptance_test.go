package web

import (
	"encoding/xml"
	"strings"
	"testing"
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
