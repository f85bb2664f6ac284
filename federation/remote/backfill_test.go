package remote

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/federation/mobilizon"
)

var clock = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }

func event(base string, n int, start time.Time) map[string]any {
	id := fmt.Sprintf("%s/events/%08d-0000-4000-8000-000000000000", base, n)
	return map[string]any{
		"type": "Event", "id": id, "url": id, "name": fmt.Sprintf("Événement %d", n),
		"startTime": start.Format(time.RFC3339), "endTime": start.Add(2 * time.Hour).Format(time.RFC3339),
		"attributedTo": base + "/@g", "to": []any{mobilizon.Public},
	}
}

// An endless `next` chain stops at maxPages, past events are left out.
func TestBackfillBoundedPaging(t *testing.T) {
	var pages atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		base := srv.URL
		if r.URL.Path == "/@g/outbox" && r.URL.RawQuery == "" {
			json.NewEncoder(w).Encode(map[string]any{"id": base + "/@g/outbox", "type": "OrderedCollection", "first": base + "/@g/outbox?page=1"})
			return
		}
		pages.Add(1)
		var n int
		fmt.Sscanf(r.URL.Query().Get("page"), "%d", &n)
		// Page n holds one past and one upcoming event, in a Create.
		past := event(base, 2*n, clock().AddDate(0, 0, -n))
		next := event(base, 2*n+1, clock().AddDate(0, 0, n))
		json.NewEncoder(w).Encode(map[string]any{
			"id": fmt.Sprintf("%s/@g/outbox?page=%d", base, n), "type": "OrderedCollectionPage",
			"orderedItems": []any{
				map[string]any{"type": "Create", "id": past["id"].(string) + "/activity", "actor": base + "/@u", "object": past},
				map[string]any{"type": "Create", "id": next["id"].(string) + "/activity", "actor": base + "/@u", "object": next},
			},
			"next": fmt.Sprintf("%s/@g/outbox?page=%d", base, n+1),
		})
	}))
	defer srv.Close()
	c := open(Options{Now: clock})
	evs, err := Backfill(ctx(t), c, srv.URL+"/@g/outbox", 5, 100)
	if err != nil {
		t.Fatal(err)
	}
	if pages.Load() != 5 {
		t.Errorf("read %d pages, want maxPages = 5", pages.Load())
	}
	if len(evs) != 5 {
		t.Fatalf("%d events, want the 5 upcoming ones", len(evs))
	}
	for i, e := range evs {
		r, err := mobilizon.ParseEvent(e)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Event.Start.After(clock()) || (i > 0 && r.Event.Start.Before(mustStart(t, evs[i-1]))) {
			t.Errorf("event %d starts %v: past, or out of order", i, r.Event.Start)
		}
	}
	// maxItems bounds too.
	pages.Store(0)
	evs, err = Backfill(ctx(t), c, srv.URL+"/@g/outbox", 50, 3)
	if err != nil || len(evs) > 3 || pages.Load() > 3 {
		t.Errorf("maxItems 3: %d events over %d pages (%v)", len(evs), pages.Load(), err)
	}
}

func mustStart(t *testing.T, e map[string]any) time.Time {
	r, err := mobilizon.ParseEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	return r.Event.Start
}

// A Mobilizon Group: the actor leads to its events collection, pages are
// ?page=N, the last non-empty page still has `next`, an empty page ends.
// Uses Bastide's Mobilizon 5 samples with the host rewritten.
func TestBackfillMobilizonGroup(t *testing.T) {
	dir := filepath.Join(moduleRoot(t), "federation", "mobilizon", "testdata")
	const H = "https://mobilizon.example"
	var srv *httptest.Server
	host := func() string { return srv.URL }
	files := map[string]string{
		"/@amis_du_marche":               "mobilizon5-group-actor.json",
		"/@amis_du_marche/events":        "mobilizon5-outbox.json",
		"/@amis_du_marche/outbox?page=2": "mobilizon5-outbox-page-2.json",
		"/@amis_du_marche/outbox?page=3": "mobilizon5-outbox-page-3.json",
	}
	var seen []string
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		seen = append(seen, key)
		f, ok := files[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		serveAS(readFile(t, filepath.Join(dir, f)), H, host)(w, r)
	}))
	defer srv.Close()
	c := open(Options{Now: clock})
	evs, err := Backfill(ctx(t), c, srv.URL+"/@amis_du_marche", 10, 100)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range evs {
		names = append(names, e["name"].(string))
	}
	if strings.Join(names, "|") != "Marché de producteurs de Nérac|Concert annulé à Agen" {
		t.Errorf("events %q (the 2025 one is past)", names)
	}
	if strings.Join(seen, " ") != "/@amis_du_marche /@amis_du_marche/events /@amis_du_marche/outbox?page=2 /@amis_du_marche/outbox?page=3" {
		t.Errorf("requests %q", seen)
	}
}

// A big Mobilizon collection: start at its last pages, where upcoming
// events are. A relay outbox item Announce{Create{Event}} is unwrapped; an
// embedded event of another origin is fetched from there.
func TestBackfillTailAndForeignItems(t *testing.T) {
	var other *httptest.Server
	other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		e := event(other.URL, 999, clock().AddDate(0, 1, 0))
		e["name"] = "Vrai événement distant"
		json.NewEncoder(w).Encode(e)
	}))
	defer other.Close()
	var srv *httptest.Server
	var requested []string
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		requested = append(requested, r.URL.RequestURI())
		base := srv.URL
		if r.URL.RawQuery == "" {
			first := []any{event(base, 1, clock().AddDate(-1, 0, 0)), event(base, 2, clock().AddDate(-1, 0, 1))}
			json.NewEncoder(w).Encode(map[string]any{"id": base + "/relay/outbox", "type": "OrderedCollection", "totalItems": 100,
				"first": map[string]any{"id": base + "/relay/outbox?page=1", "type": "OrderedCollectionPage", "orderedItems": first, "next": base + "/relay/outbox?page=2"}})
			return
		}
		var n int
		fmt.Sscanf(r.URL.Query().Get("page"), "%d", &n)
		var items []any
		if n == 50 {
			fake := event(other.URL, 999, clock().AddDate(0, 1, 0))
			fake["name"] = "Usurpé"
			items = []any{
				map[string]any{"type": "Announce", "actor": base + "/relay", "object": map[string]any{"type": "Create", "actor": base + "/@u", "object": event(base, 100, clock().AddDate(0, 0, 3))}},
				fake,
			}
		} else if n == 49 {
			items = []any{event(base, 98, clock().AddDate(0, 0, 1))}
		} else if n < 50 {
			items = []any{event(base, 2*n, clock().AddDate(0, 0, n-50))}
		}
		json.NewEncoder(w).Encode(map[string]any{"id": fmt.Sprintf("%s/relay/outbox?page=%d", base, n), "type": "OrderedCollectionPage",
			"orderedItems": items, "next": fmt.Sprintf("%s/relay/outbox?page=%d", base, n+1)})
	}))
	defer srv.Close()
	c := open(Options{Now: clock})
	evs, err := Backfill(ctx(t), c, srv.URL+"/relay/outbox", 3, 100)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range evs {
		names = append(names, e["name"].(string))
	}
	if strings.Join(names, "|") != "Événement 98|Événement 100|Vrai événement distant" {
		t.Errorf("events %q", names)
	}
	if strings.Join(requested, " ") != "/relay/outbox /relay/outbox?page=48 /relay/outbox?page=49 /relay/outbox?page=50" {
		t.Errorf("requests %q: want the collection then its last 3 pages", requested)
	}
}

func TestBackfillGraphQL(t *testing.T) {
	var srv *httptest.Server
	var bodies []map[string]any
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api" || r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(400)
			return
		}
		var req map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &req)
		bodies = append(bodies, req)
		vars := req["variables"].(map[string]any)
		w.Header().Set("Content-Type", "application/json")
		if vars["name"] != "amis_du_marche" {
			fmt.Fprint(w, `{"data":{"group":null},"errors":[{"message":"Group not found"}]}`)
			return
		}
		page := int(vars["page"].(float64))
		var els []any
		if page == 1 {
			for i := 0; i < 20; i++ {
				els = append(els, map[string]any{"uuid": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "url": fmt.Sprintf("%s/events/%d", srv.URL, i),
					"title": fmt.Sprintf("Événement %d", i), "beginsOn": "2026-07-01T08:00:00Z", "status": "CONFIRMED", "visibility": "PUBLIC",
					"joinOptions": "FREE", "draft": i == 3, "tags": []any{}})
			}
			els[5].(map[string]any)["visibility"] = "UNLISTED"
			els[6].(map[string]any)["url"] = "https://elsewhere.example/events/6"
		} else {
			tz := "Europe/Paris"
			geom := "0.6163;44.2037"
			els = []any{map[string]any{
				"uuid": "11111111-2222-4333-8444-555555555555", "url": srv.URL + "/events/full", "title": "Fête de la Garonne",
				"description": "<p>Au bord de l'eau</p><script>x</script>", "beginsOn": "2026-07-14T16:00:00Z", "endsOn": "2026-07-14T22:00:00Z",
				"status": "TENTATIVE", "visibility": "PUBLIC", "joinOptions": "EXTERNAL", "externalParticipationUrl": "https://asso.example/billets",
				"onlineAddress": "https://live.example/garonne", "category": "PARTY", "updatedAt": "2026-05-01T10:00:00Z",
				"options":         map[string]any{"timezone": tz, "isOnline": false},
				"physicalAddress": map[string]any{"description": "Quai de la Garonne", "street": "Quai", "postalCode": "47000", "locality": "Agen", "country": "France", "geom": geom},
				"picture":         map[string]any{"url": srv.URL + "/media/p.jpg"},
				"tags":            []any{map[string]any{"title": "Guinguette"}},
				"organizerActor":  map[string]any{"url": srv.URL + "/@jeanne"},
				"attributedTo":    map[string]any{"url": srv.URL + "/@amis_du_marche"},
			}}
		}
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"group": map[string]any{"url": srv.URL + "/@amis_du_marche",
			"organizedEvents": map[string]any{"total": 21, "elements": els}}}})
	}))
	defer srv.Close()
	c := open(Options{})
	after := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	evs, err := BackfillGraphQL(ctx(t), c, srv.URL+"/", "@amis_du_marche", after, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 18 || len(bodies) != 2 {
		t.Fatalf("%d events in %d requests, want 18 (20+1 minus a draft, an unlisted and a foreign one) in 2", len(evs), len(bodies))
	}
	if v := bodies[0]["variables"].(map[string]any); v["after"] != "2026-06-01T00:00:00Z" || v["limit"] != float64(20) ||
		!strings.Contains(bodies[0]["query"].(string), "organizedEvents(afterDatetime: $after") {
		t.Errorf("request %v", bodies[0])
	}
	last := evs[len(evs)-1]
	if p := mobilizon.Validate(roundTripJSON(t, last)); len(p) != 0 {
		t.Errorf("mapped event breaks Mobilizon rules: %q", p)
	}
	r, err := mobilizon.ParseEvent(last)
	if err != nil {
		t.Fatal(err)
	}
	ev := r.Event
	if r.ID != srv.URL+"/events/full" || ev.Summary != "Fête de la Garonne" || ev.Status != "TENTATIVE" || ev.TZID != "Europe/Paris" ||
		!ev.End.Equal(time.Date(2026, 7, 14, 22, 0, 0, 0, time.UTC)) || r.AttributedTo != srv.URL+"/@amis_du_marche" || r.Actor != srv.URL+"/@jeanne" {
		t.Errorf("mapped: %+v / %+v", r, ev)
	}
	if r.Place == nil || r.Place.CommuneINSEE != "47001" || r.Place.Lat != 44.2037 || r.Place.Lon != 0.6163 || ev.Description != "Au bord de l'eau" {
		t.Errorf("place %+v description %q", r.Place, ev.Description)
	}
	if r.JoinMode != "external" || r.ExternalParticipationURL != "https://asso.example/billets" || r.OnlineURL != "https://live.example/garonne" ||
		r.PictureURL != srv.URL+"/media/p.jpg" || strings.Join(ev.Categories, "|") != "Fête|Guinguette" || r.RemoteUUID != "11111111-2222-4333-8444-555555555555" {
		t.Errorf("options: %+v", r)
	}
	if _, err := BackfillGraphQL(ctx(t), c, srv.URL, "personne", after, 10); err == nil || !strings.Contains(err.Error(), "Group not found") {
		t.Errorf("unknown group: %v", err)
	}
}

func roundTripJSON(t *testing.T, m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out, err := mobilizon.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// An actor whose events collection is on another server is refused: a
// source speaks only for its own origin.
func TestBackfillForeignCollection(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		fmt.Fprintf(w, `{"id":"%s/@g","type":"Group","inbox":"%s/@g/inbox","events":"https://victim.example/@x/events"}`, srv.URL, srv.URL)
	}))
	defer srv.Close()
	_, err := Backfill(ctx(t), open(Options{Now: clock}), srv.URL+"/@g", 3, 10)
	if err == nil || !strings.Contains(err.Error(), "another origin") {
		t.Errorf("foreign collection: %v", err)
	}
}
