package federation

import (
	"context"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// publishAndRead runs the publisher once and returns what it queued after
// activity row `after`.
func publishAndRead(t *testing.T, f *Federation, s *db.Store, after int64) ([]map[string]any, [][]string, int64) {
	t.Helper()
	if _, err := f.publishPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	return queued(t, s, after)
}

func checkMobilizon(t *testing.T, acts []map[string]any) {
	t.Helper()
	for _, a := range acts {
		if probs := mobilizon.Validate(a); len(probs) > 0 {
			t.Errorf("%v %v: Mobilizon would not take it as meant: %v", a["type"], a["id"], probs)
		}
	}
}

// TestCalendarPrivacyWithdrawsEvents: a calendar made private has its
// published events Deleted (the store logs them as changed, the publisher
// finds them unpublishable); made public again, they are Created and
// Announced again — under a new id, since Mobilizon refuses to create an
// id it saw deleted, while the old id keeps answering 410.
func TestCalendarPrivacyWithdrawsEvents(t *testing.T) {
	ctx := context.Background()
	f, s, a, cal := goldenFixture(t)
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	acts, _, last := publishAndRead(t, f, s, 0)
	if c := countTypes(acts); c["Create"] != 1 || c["Announce"] != 1 {
		t.Fatalf("first publication: %v", c)
	}
	oldID := f.URIs().EventID(ev.UUID)

	cal.Public = false
	if err := s.UpdateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, last := publishAndRead(t, f, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Delete" {
		t.Fatalf("after the calendar went private: %v", countTypes(acts))
	}
	checkMobilizon(t, acts)
	if acts[0]["actor"] != f.URIs().ActorID(a.Slug) {
		t.Fatalf("Delete actor %v", acts[0]["actor"])
	}
	if o := acts[0]["object"].(map[string]any); o["type"] != "Tombstone" || o["id"] != oldID {
		t.Fatalf("Delete object %v", o)
	}
	if len(inboxes[0]) != 1 || inboxes[0][0] != "https://mobilizon.example/inbox" {
		t.Fatalf("Delete inboxes %v", inboxes[0])
	}
	if rec := serve(f, "GET", "/events/"+ev.UUID, "application/activity+json"); rec.Code != 410 ||
		!strings.Contains(rec.Body.String(), `"Tombstone"`) {
		t.Fatalf("GET of a withdrawn event: %d %s", rec.Code, rec.Body)
	}
	if rec := serve(f, "GET", "/@"+a.Slug+"/outbox?page=1", "application/activity+json"); strings.Contains(rec.Body.String(), ev.UUID) {
		t.Fatalf("the outbox still lists the private event: %s", rec.Body)
	}
	// Nothing more to say while it stays private.
	if more, _, _ := publishAndRead(t, f, s, last); len(more) != 0 {
		t.Fatalf("nothing changed, yet %v", countTypes(more))
	}

	cal.Public = true
	if err := s.UpdateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	acts, _, last = publishAndRead(t, f, s, last)
	if c := countTypes(acts); c["Create"] != 1 || c["Announce"] != 1 || len(acts) != 2 {
		t.Fatalf("after the calendar went public again: %v", c)
	}
	checkMobilizon(t, acts)
	obj := acts[0]["object"].(map[string]any)
	newUUID := RepublishUUID(ev.UUID)
	if obj["id"] != f.URIs().EventID(newUUID) || obj["uuid"] != newUUID {
		t.Fatalf("republished under id %v uuid %v, want %s (the old id %s is tombstoned on Mobilizon)", obj["id"], obj["uuid"], newUUID, oldID)
	}
	if obj["url"] != f.URIs().EventURL(ev.UUID) {
		t.Fatalf("republished url %v, want the event's page", obj["url"])
	}
	if ann := acts[1]["object"].(map[string]any); ann["id"] != obj["id"] {
		t.Fatalf("Announce of %v, Create of %v", ann["id"], obj["id"])
	}
	if rec := serve(f, "GET", "/events/"+newUUID, "application/activity+json"); rec.Code != 200 || !strings.Contains(rec.Body.String(), newUUID) {
		t.Fatalf("GET of the republished id: %d %s", rec.Code, rec.Body)
	}
	if rec := serve(f, "GET", "/events/"+ev.UUID, "application/activity+json"); rec.Code != 410 {
		t.Fatalf("GET of the old id after republication: %d, want 410 forever", rec.Code)
	}
	// The web side maps the republished id to the event's page.
	if p, err := s.GetPublished(ctx, newUUID); err != nil || p.EventUUID != ev.UUID || p.State != db.PublishedLive {
		t.Fatalf("GetPublished(%s) = %+v, %v", newUUID, p, err)
	}

	// Private again, public again: the next id, never an old one.
	cal.Public = false
	if err := s.UpdateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	acts, _, last = publishAndRead(t, f, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Delete" || acts[0]["object"].(map[string]any)["id"] != f.URIs().EventID(newUUID) {
		t.Fatalf("second withdrawal: %v", acts)
	}
	cal.Public = true
	if err := s.UpdateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	acts, _, _ = publishAndRead(t, f, s, last)
	if len(acts) != 2 || acts[0]["object"].(map[string]any)["id"] != f.URIs().EventID(RepublishUUID(newUUID)) {
		t.Fatalf("second republication: %v", acts)
	}
}

// TestDeletedCalendarWithdrawsEvents: deleting a calendar deletes its
// events through the change log; the publisher, which then finds neither
// the events nor the calendar, still Deletes every published object as
// the association's Group, and their ids answer 410.
func TestDeletedCalendarWithdrawsEvents(t *testing.T) {
	ctx := context.Background()
	f, s, a, cal := goldenFixture(t)
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	series := seriesEvent(t, cal.ID, "9d0b8a1e-2c3d-4e5f-8a6b-7c8d9e0f1a2b", goldenClock, "")
	if _, err := s.PutEvent(ctx, db.Put{Event: series}); err != nil {
		t.Fatal(err)
	}
	acts, _, last := publishAndRead(t, f, s, 0)
	created := map[string]bool{}
	for _, a := range acts {
		if a["type"] == "Create" {
			created[mobilizon.IDOf(a["object"].(map[string]any))] = true
		}
	}
	if len(created) != 6 {
		t.Fatalf("created %d objects, want the event and 5 occurrences", len(created))
	}

	if err := s.DeleteCalendar(ctx, cal.ID); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, _ := publishAndRead(t, f, s, last)
	checkMobilizon(t, acts)
	deleted := map[string]bool{}
	for i, act := range acts {
		if act["type"] != "Delete" || act["actor"] != f.URIs().ActorID(a.Slug) {
			t.Fatalf("after the calendar's deletion: %v from %v", act["type"], act["actor"])
		}
		if len(inboxes[i]) != 1 || inboxes[i][0] != "https://mobilizon.example/inbox" {
			t.Fatalf("Delete inboxes %v", inboxes[i])
		}
		deleted[act["object"].(map[string]any)["id"].(string)] = true
	}
	for id := range created {
		if !deleted[id] {
			t.Errorf("%s was not withdrawn", id)
		}
		uuid := id[strings.LastIndex(id, "/")+1:]
		if rec := serve(f, "GET", "/events/"+uuid, "application/activity+json"); rec.Code != 410 {
			t.Errorf("GET %s after its calendar's deletion: %d, want 410", id, rec.Code)
		}
	}
	if len(deleted) != len(created) {
		t.Fatalf("deleted %d objects, created %d", len(deleted), len(created))
	}
}

// TestDeletedAssociationWithdrawsEvents: when the association is gone too
// by the time the publisher reads the change log (its calendars deleted
// through the store, then its row), its Group and key are gone: the relay
// withdraws the published events from the Group's followers and its own.
func TestDeletedAssociationWithdrawsEvents(t *testing.T) {
	ctx := context.Background()
	f, s, a, cal := goldenFixture(t)
	// A second instance follows only the Group, on its own inbox.
	if err := s.PutRemoteActor(ctx, &db.RemoteActor{APID: "https://other.example/@eve", Type: "Person",
		Inbox: "https://other.example/@eve/inbox", SharedInbox: "https://other.example/inbox"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFollower(ctx, &db.Follower{AssociationID: a.ID, ActorID: "https://other.example/@eve",
		FollowID: "https://other.example/follow/1", FollowJSON: `{}`, State: db.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	_, _, last := publishAndRead(t, f, s, 0)

	if err := s.DeleteCalendar(ctx, cal.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Writer().ExecContext(ctx, `DELETE FROM associations WHERE id = ?`, a.ID); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, _ := publishAndRead(t, f, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Delete" || acts[0]["actor"] != f.URIs().RelayID() {
		t.Fatalf("after the association's deletion: %v", acts)
	}
	checkMobilizon(t, acts)
	if o := acts[0]["object"].(map[string]any); o["id"] != f.URIs().EventID(ev.UUID) {
		t.Fatalf("Delete of %v", o["id"])
	}
	got := strings.Join(inboxes[0], " ")
	if !strings.Contains(got, "https://mobilizon.example/inbox") || !strings.Contains(got, "https://other.example/inbox") {
		t.Fatalf("Delete inboxes %v, want the Group's followers and the relay's", inboxes[0])
	}
	var signer int64 = -1
	if err := s.Reader().QueryRowContext(ctx, `SELECT association_id FROM activities WHERE ap_id = ?`, acts[0]["id"]).Scan(&signer); err != nil || signer != 0 {
		t.Fatalf("signed by %d (%v), want the relay (0)", signer, err)
	}
	if rec := serve(f, "GET", "/events/"+ev.UUID, "application/activity+json"); rec.Code != 410 {
		t.Fatalf("GET after the association's deletion: %d", rec.Code)
	}
}

// TestPublishedObjectsMapToEventPage: every id Bastide publishes under
// /events/ (an event, an occurrence of a series, a republication) is found
// by Store.GetPublished with the UUID of the event whose page shows it:
// what the web side redirects HTML requests with.
func TestPublishedObjectsMapToEventPage(t *testing.T) {
	ctx := context.Background()
	f, s, _, cal := goldenFixture(t)
	const seriesUUID = "9d0b8a1e-2c3d-4e5f-8a6b-7c8d9e0f1a2b"
	if _, err := s.PutEvent(ctx, db.Put{Event: seriesEvent(t, cal.ID, seriesUUID, goldenClock, "")}); err != nil {
		t.Fatal(err)
	}
	acts, _, _ := publishAndRead(t, f, s, 0)
	n := 0
	for _, act := range acts {
		if act["type"] != "Create" {
			continue
		}
		obj := act["object"].(map[string]any)
		uuid := obj["uuid"].(string)
		if uuid == seriesUUID {
			t.Fatalf("an occurrence published under the series' own UUID")
		}
		p, err := s.GetPublished(ctx, uuid)
		if err != nil || p.EventUUID != seriesUUID {
			t.Fatalf("GetPublished(%s) = %+v, %v", uuid, p, err)
		}
		if obj["url"] != f.URIs().EventURL(seriesUUID) {
			t.Fatalf("occurrence url %v", obj["url"])
		}
		rec := serve(f, "GET", "/events/"+uuid, `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/activity+json") {
			t.Fatalf("GET occurrence %s: %d %s", uuid, rec.Code, rec.Header().Get("Content-Type"))
		}
		doc, err := mobilizon.Decode(rec.Body.Bytes())
		if err != nil || doc["id"] != obj["id"] || doc["startTime"] != obj["startTime"] {
			t.Fatalf("occurrence served as %v (%v), published as %v", doc["id"], err, obj["id"])
		}
		n++
	}
	if n != 5 {
		t.Fatalf("%d occurrences checked, want 5", n)
	}
	if _, err := s.GetPublished(ctx, "00000000-0000-4000-8000-000000000000"); err == nil {
		t.Fatal("GetPublished found an id never published")
	}
}
