package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// mzEvent is an Event as Mobilizon 5 emits it (reference §4): the group in
// attributedTo, the organiser in actor, offset times, a Place with a
// PostalAddress and float coordinates.
func mzEvent(base, uuid, name string, start time.Time) map[string]any {
	paris, _ := time.LoadLocation("Europe/Paris")
	id := base + "/events/" + uuid
	return map[string]any{
		"type": "Event", "id": id, "url": id, "uuid": uuid, "name": name,
		"content":   `<p>Producteurs <strong>locaux</strong>.</p><script>alert(1)</script><p onclick="x()">Venez !</p>`,
		"mediaType": "text/html",
		"startTime": start.In(paris).Format(time.RFC3339), "endTime": start.Add(3 * time.Hour).In(paris).Format(time.RFC3339),
		"timezone": "Europe/Paris", "published": "2026-05-01T10:00:00Z", "updated": "2026-05-02T09:30:00Z",
		"attributedTo": base + "/@amis_du_marche", "actor": base + "/@jeanne",
		"to": []any{mobilizon.Public}, "cc": []any{base + "/@jeanne/followers"},
		"category": "FOOD_DRINK",
		"tag":      []any{map[string]any{"type": "Hashtag", "name": "#Pruneau", "href": base + "/tags/pruneau"}},
		"location": map[string]any{"type": "Place", "id": base + "/address/" + uuid, "name": "Place du Général Leclerc",
			"address": map[string]any{"type": "PostalAddress", "streetAddress": "Place du Général Leclerc", "postalCode": "47600",
				"addressLocality": "Nérac", "addressRegion": "Nouvelle-Aquitaine", "addressCountry": "France"},
			"latitude": 44.1361, "longitude": 0.3394},
		"joinMode": "free", "externalParticipationUrl": nil, "maximumAttendeeCapacity": 0, "participantCount": 1,
		"repliesModerationOption": "allow_all", "commentsEnabled": true, "draft": false,
		"status": "CONFIRMED", "ical:status": "CONFIRMED", "isOnline": false, "inLanguage": "fr",
		"contacts": []any{}, "attachment": []any{},
	}
}

func mzUUID(n int) string { return fmt.Sprintf("5d0e3a43-1c2b-4b8e-9a56-%012d", n) }

// TestMobilizon5Group plays a Mobilizon 5 instance: Bastide follows one of
// its groups by URL, backfills its upcoming events from the group's events
// collection (oldest first, 10 a page, a `next` even on the last page),
// then takes the pushes Mobilizon sends (Create signed by the organiser
// and attributed to the group, Update to CANCELLED, Delete) and the
// relay's Announce{Create{Event}}.
func TestMobilizon5Group(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, nil)
	st := newStub(t)
	base := st.URL()
	group := base + "/@amis_du_marche"
	gdoc := st.actorDoc("/@amis_du_marche", "Group")
	gdoc["endpoints"].(map[string]any)["events"] = group + "/events"
	gdoc["events"] = group + "/events"
	gdoc["openness"] = "moderated"
	st.doc("/@amis_du_marche", gdoc)
	st.actor("/@jeanne", "Person")
	st.actor("/relay", "Application")

	// 12 past events then 3 upcoming, oldest first.
	now := time.Now().Truncate(time.Hour)
	var all []any
	for i := 0; i < 15; i++ {
		start := now.AddDate(0, 0, -30+i)
		if i >= 12 {
			start = now.AddDate(0, 0, 10*(i-11))
		}
		all = append(all, mzEvent(base, mzUUID(i), fmt.Sprintf("Marché n°%d", i), start))
	}
	st.handle("/@amis_du_marche/events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		coll := group + "/events"
		pageOf := func(n int) map[string]any {
			items := []any{}
			for i := (n - 1) * 10; i < n*10 && i < len(all); i++ {
				items = append(items, all[i])
			}
			p := map[string]any{"id": fmt.Sprintf("%s?page=%d", coll, n), "type": "OrderedCollectionPage", "partOf": coll,
				"attributedTo": group, "orderedItems": items}
			if (n-1)*10 < len(all) {
				p["next"] = fmt.Sprintf("%s?page=%d", coll, n+1)
			}
			return p
		}
		if p := r.URL.Query().Get("page"); p != "" {
			n, _ := strconv.Atoi(p)
			json.NewEncoder(w).Encode(pageOf(n))
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"@context": mobilizon.Context(), "id": coll, "type": "OrderedCollection",
			"attributedTo": group, "totalItems": len(all), "first": pageOf(1)})
	})

	fl, _, err := in.fed.Follow(ctx, group, true)
	if err != nil {
		t.Fatal(err)
	}
	var follow map[string]any
	eventually(t, 20*time.Second, "our Follow at Mobilizon's shared inbox", func() bool {
		for _, p := range st.received() {
			if p.act["type"] == "Follow" && p.path == "/inbox" {
				follow = p.act
				return true
			}
		}
		return false
	})
	if follow["object"] != group || follow["actor"] != in.fed.URIs().RelayID() {
		t.Fatalf("Follow %v", follow)
	}
	if probs := mobilizon.Validate(follow); len(probs) > 0 {
		t.Fatalf("Mobilizon would not take our Follow: %v", probs)
	}
	deliver := func(actor string, act map[string]any) {
		t.Helper()
		if resp := signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", st.key, mustJSON(t, act)); resp.StatusCode != 202 {
			t.Fatalf("inbox: %d", resp.StatusCode)
		}
		eventually(t, 20*time.Second, "the queue to drain", func() bool {
			n, _ := in.store.InboxQueueLen(ctx)
			return n == 0
		})
	}
	// Mobilizon's Accept: id /accept/follow/…, the Follow embedded.
	deliver(group, map[string]any{"@context": mobilizon.Context(), "type": "Accept", "id": base + "/accept/follow/1",
		"actor": group, "to": []any{in.fed.URIs().RelayID()}, "cc": []any{}, "object": follow})
	if got, _ := in.store.GetFollow(ctx, group); got.State != db.FollowAccepted {
		t.Fatalf("follow state %s after Mobilizon's Accept", got.State)
	}

	eventually(t, 20*time.Second, "the backfill of the 3 upcoming events", func() bool {
		evs, _ := in.store.ListEvents(ctx, fl.CalendarID, false)
		return len(evs) == 3
	})
	evs, _ := in.store.ListEvents(ctx, fl.CalendarID, false)
	for _, e := range evs {
		if !e.Start.After(now) || !strings.HasPrefix(e.Summary, "Marché n°1") {
			t.Fatalf("backfilled %q starting %v: a past event", e.Summary, e.Start)
		}
	}

	// A push: Create signed by the organiser, attributed to the group.
	ev := mzEvent(base, mzUUID(100), "Marché de producteurs de Nérac", now.Add(5*24*time.Hour))
	deliver(base+"/@jeanne", map[string]any{"@context": mobilizon.Context(), "type": "Create", "id": ev["id"].(string) + "/activity",
		"actor": base + "/@jeanne", "attributedTo": group, "to": []any{mobilizon.Public}, "cc": []any{}, "object": ev})
	stored, err := in.store.GetEventByAPID(ctx, ev["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if stored.CalendarID != fl.CalendarID || stored.Summary != "Marché de producteurs de Nérac" || stored.Moderation != model.ModerationApproved {
		t.Fatalf("stored %+v", stored)
	}
	if strings.Contains(stored.Description, "alert") || strings.Contains(stored.Data, "<script") || !strings.Contains(stored.Description, "Producteurs locaux") {
		t.Fatalf("description not cleaned: %q", stored.Description)
	}
	if !stored.HasGeo || stored.Lat != 44.1361 || stored.TZID != "Europe/Paris" {
		t.Fatalf("geo %v %v,%v tz %q", stored.HasGeo, stored.Lat, stored.Lon, stored.TZID)
	}

	// Update to CANCELLED, same activity id as the Create (Mobilizon's way).
	ev["status"], ev["ical:status"], ev["updated"] = "CANCELLED", "CANCELLED", "2026-05-03T09:30:00Z"
	deliver(base+"/@jeanne", map[string]any{"@context": mobilizon.Context(), "type": "Update", "id": ev["id"].(string) + "/activity",
		"actor": base + "/@jeanne", "attributedTo": group, "to": []any{mobilizon.Public}, "cc": []any{}, "object": ev})
	if got, _ := in.store.GetEventByAPID(ctx, ev["id"].(string)); got.Status != model.StatusCancelled {
		t.Fatalf("status %q after the cancelling Update", got.Status)
	}
	if agenda(t, in.store)["Marché de producteurs de Nérac"] {
		t.Fatal("a cancelled event is on the agenda")
	}

	// Delete, as Mobilizon sends it.
	deliver(base+"/@jeanne", map[string]any{"@context": mobilizon.Context(), "type": "Delete", "id": ev["id"].(string) + "/delete",
		"actor": base + "/@jeanne", "to": []any{mobilizon.Public}, "cc": []any{},
		"object": map[string]any{"type": "Tombstone", "formerType": "Event", "id": ev["id"], "deleted": "2026-05-04T10:00:00.123456Z"}})
	if _, err := in.store.GetEventByAPID(ctx, ev["id"].(string)); err == nil {
		t.Fatal("the event is still there after Mobilizon's Delete")
	}

	// The relay's Announce{Create{Event}}, as in a relay outbox.
	ann := mzEvent(base, mzUUID(200), "Fête de la prune", now.Add(8*24*time.Hour))
	deliver(base+"/relay", map[string]any{"@context": mobilizon.Context(), "type": "Announce", "id": ann["id"].(string) + "/announces/1",
		"actor": base + "/relay", "to": []any{mobilizon.Public}, "cc": []any{},
		"object": map[string]any{"type": "Create", "id": ann["id"].(string) + "/activity", "actor": base + "/@jeanne", "object": ann}})
	if got, err := in.store.GetEventByAPID(ctx, ann["id"].(string)); err != nil || got.Summary != "Fête de la prune" {
		t.Fatalf("announced event: %+v %v", got, err)
	}
}
