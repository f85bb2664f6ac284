package federation

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// TestDiscoveryShapes checks discovery the way Mobilizon reads it
// (reference §3.3–3.5, §12 pitfalls 2, 19, 22): host-meta's lrdd template,
// WebFinger answered in a JSON type Mobilizon decodes to its Accept header,
// by acct: and by actor URL, with the self link typed exactly
// application/activity+json; the NodeInfo index with the FEP-2677
// Application link and documents served as application/json at the
// linked addresses; the relay's handle reserved.
func TestDiscoveryShapes(t *testing.T) {
	f, s, a, _ := goldenFixture(t)

	rec := serve(f, "GET", "/.well-known/host-meta", "application/xrd+xml, application/xml, text/xml")
	var xrd struct {
		Links []struct {
			Rel      string `xml:"rel,attr"`
			Type     string `xml:"type,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Link"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &xrd); err != nil || rec.Code != 200 ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/xrd+xml") {
		t.Fatalf("host-meta: %d %s %v", rec.Code, rec.Header().Get("Content-Type"), err)
	}
	if len(xrd.Links) != 1 || xrd.Links[0].Rel != "lrdd" || xrd.Links[0].Template != "https://bastide.example/.well-known/webfinger?resource={uri}" {
		t.Fatalf("host-meta links: %+v", xrd.Links)
	}

	type jrd struct {
		Subject string
		Aliases []string
		Links   []map[string]string
	}
	finger := func(resource, accept string) (jrd, string, int) {
		rec := serve(f, "GET", "/.well-known/webfinger?resource="+url.QueryEscape(resource), accept)
		var j jrd
		json.Unmarshal(rec.Body.Bytes(), &j)
		return j, rec.Header().Get("Content-Type"), rec.Code
	}
	group := f.URIs().ActorID(a.Slug)
	for _, c := range []struct{ resource, accept, subject, self string }{
		// Mobilizon's own Accept (webfinger_client.ex).
		{"acct:" + a.Slug + "@bastide.example", "application/json, application/activity+json, application/jrd+json", "acct:" + a.Slug + "@bastide.example", group},
		{"acct:relay@bastide.example", "application/json, application/activity+json, application/jrd+json", "acct:relay@bastide.example", f.URIs().RelayID()},
		{"acct:" + a.Slug + "@bastide.example", "application/json", "acct:" + a.Slug + "@bastide.example", group},
		{"acct:" + a.Slug + "@bastide.example", "", "acct:" + a.Slug + "@bastide.example", group},
		{group, "", "acct:" + a.Slug + "@bastide.example", group},
		{f.URIs().RelayID(), "", "acct:relay@bastide.example", f.URIs().RelayID()},
		{"@" + a.Slug + "@bastide.example", "", "acct:" + a.Slug + "@bastide.example", group},
	} {
		j, ct, code := finger(c.resource, c.accept)
		if code != 200 || !(strings.HasPrefix(ct, "application/jrd+json") || strings.HasPrefix(ct, "application/json")) {
			t.Fatalf("webfinger %s (Accept %q): %d %s", c.resource, c.accept, code, ct)
		}
		if c.accept == "application/json" && !strings.HasPrefix(ct, "application/json") {
			t.Errorf("webfinger asked for application/json answered %s", ct)
		}
		self := ""
		for _, l := range j.Links {
			if l["rel"] == "self" {
				if l["type"] != "application/activity+json" {
					t.Errorf("webfinger %s: self link of type %q", c.resource, l["type"])
				}
				self = l["href"]
			}
		}
		if j.Subject != c.subject || self != c.self || len(j.Aliases) != 1 || j.Aliases[0] != c.self {
			t.Fatalf("webfinger %s: %+v", c.resource, j)
		}
	}
	for _, bad := range []string{"acct:nobody@bastide.example", "acct:" + a.Slug + "@elsewhere.example", "https://elsewhere.example/@" + a.Slug} {
		if _, _, code := finger(bad, ""); code != 404 && code != 400 {
			t.Errorf("webfinger %s: %d, want 404 or 400", bad, code)
		}
	}

	rec = serve(f, "GET", "/.well-known/nodeinfo", "")
	var idx struct{ Links []map[string]string }
	json.Unmarshal(rec.Body.Bytes(), &idx)
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("nodeinfo index served as %s", rec.Header().Get("Content-Type"))
	}
	rels := map[string]string{}
	for _, l := range idx.Links {
		rels[l["rel"]] = l["href"]
	}
	if rels["https://www.w3.org/ns/activitystreams#Application"] != f.URIs().RelayID() {
		t.Fatalf("no FEP-2677 Application link: %v", idx.Links)
	}
	nameRe := regexp.MustCompile(`^[a-z0-9-]+$`)
	for _, v := range []string{"2.0", "2.1"} {
		href := rels["http://nodeinfo.diaspora.software/ns/schema/"+v]
		u, err := url.Parse(href)
		if err != nil || href == "" {
			t.Fatalf("nodeinfo %s link %q", v, href)
		}
		rec := serve(f, "GET", u.Path, "application/json")
		var ni map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &ni); err != nil || rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("nodeinfo %s at %s: %d %s %v", v, u.Path, rec.Code, rec.Header().Get("Content-Type"), err)
		}
		sw, _ := ni["software"].(map[string]any)
		usage, _ := ni["usage"].(map[string]any)
		users, _ := usage["users"].(map[string]any)
		meta, _ := ni["metadata"].(map[string]any)
		if ni["version"] != v || !nameRe.MatchString(sw["name"].(string)) || sw["version"] == "" ||
			users["total"] == nil || meta["nodeName"] != "Bastide" || ni["openRegistrations"] != false {
			t.Fatalf("nodeinfo %s: %v", v, ni)
		}
		if _, ok := sw["repository"]; ok != (v == "2.1") {
			t.Errorf("nodeinfo %s: software.repository present = %v (a 2.1 field only)", v, ok)
		}
		if rec := serve(f, "GET", "/.well-known/nodeinfo/"+v, ""); rec.Code != 200 {
			t.Errorf("/.well-known/nodeinfo/%s: %d", v, rec.Code)
		}
	}

	// acct:relay is the Application: no association can take that name.
	err := s.CreateAssociation(context.Background(), &model.Association{Slug: "relay", Name: "Relay"})
	if err == nil {
		t.Fatal("an association named relay would share the relay's handle")
	}
}

// TestServedDocumentsValid: what Mobilizon reads by GET is held to the same
// ingest rules as what Bastide pushes: every item of the Group's and the
// relay's outbox pages (a Mobilizon instance reads page 1 when it starts
// following) and every published Event, occurrences of a series included.
func TestServedDocumentsValid(t *testing.T) {
	ctx := context.Background()
	f, s, a, cal := goldenFixture(t)
	if _, err := s.PutEvent(ctx, db.Put{Event: goldenEvent(t, s, cal.ID, "Fête du pruneau")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutEvent(ctx, db.Put{Event: seriesEvent(t, cal.ID, "9d0b8a1e-2c3d-4e5f-8a6b-7c8d9e0f1a2b", goldenClock, "")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.publishPending(ctx); err != nil {
		t.Fatal(err)
	}
	events := 0
	for _, path := range []string{"/@" + a.Slug + "/outbox?page=1", "/relay/outbox?page=1"} {
		var page map[string]any
		rec := serve(f, "GET", path, "application/activity+json")
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != 200 {
			t.Fatalf("%s: %d %v", path, rec.Code, err)
		}
		items, _ := page["orderedItems"].([]any)
		if len(items) != 6 {
			t.Fatalf("%s: %d items, want the event and 5 occurrences", path, len(items))
		}
		for _, it := range items {
			doc, _ := mobilizon.Decode(mustJSON(t, it))
			if probs := mobilizon.Validate(doc); len(probs) > 0 {
				t.Errorf("%s item %v: Mobilizon would not take it as meant: %v", path, mobilizon.IDOf(doc), probs)
			}
			id := mobilizon.IDOf(doc["object"])
			rec := serve(f, "GET", strings.TrimPrefix(id, f.URIs().Base()), "application/activity+json")
			ev, err := mobilizon.Decode(rec.Body.Bytes())
			if err != nil || rec.Code != 200 || mobilizon.IDOf(ev) != id {
				t.Fatalf("GET %s: %d %v", id, rec.Code, err)
			}
			if probs := mobilizon.Validate(ev); len(probs) > 0 {
				t.Errorf("GET %s: Mobilizon would not take it as meant: %v", id, probs)
			}
			events++
		}
	}
	if events != 12 {
		t.Fatalf("%d documents checked", events)
	}
}
