package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// TestAssociationRemovalReachesFollowers removes, with the command, an
// association whose public event a follower has, while `bastide serve`
// runs and the follower's server is away; serve is stopped in the middle
// (the Deletes queued, not delivered) and started again with the follower
// back: the follower gets the Delete of the event and of the Group, each
// once, and only then is the association purged.
func TestAssociationRemovalReachesFollowers(t *testing.T) {
	data := t.TempDir()
	password := memberWithAppPassword(t, data, "chorale-nerac", "Chorale de Nérac", "owner")
	store := openStore(t, data)
	ctx := context.Background()
	assoc, inbox := followedBy(t, store, "chorale-nerac", "ann")
	addr := freePort(t)
	srv := startServeAt(t, data, addr, "--allow-private-addresses")

	day := time.Now().AddDate(0, 0, 5).UTC().Format("20060102")
	ics := strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//FR
BEGIN:VEVENT
UID:concert-adieu@example.org
DTSTAMP:20260101T000000Z
DTSTART:`+day+`T180000Z
DTEND:`+day+`T200000Z
SUMMARY:Concert d'adieu
LOCATION:Salle des fêtes, Nérac
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	req, _ := http.NewRequest("PUT", srv.url+"/dav/calendars/alice/chorale-nerac.agenda/adieu.ics", strings.NewReader(ics))
	req.SetBasicAuth("alice", password)
	req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("CalDAV PUT: %s", resp.Status)
	}
	var eventID string
	eventually(t, 20*time.Second, func() bool {
		for _, act := range inbox.delivered() {
			if obj, _ := act["object"].(map[string]any); act["type"] == "Create" && obj != nil {
				eventID, _ = obj["id"].(string)
				return true
			}
		}
		return false
	})

	// The follower's server goes away; the removal is asked.
	inbox.down.Store(true)
	cli(t, data, "", "association", "remove", "chorale-nerac", "--yes").must(t, 0, "tells its followers")
	// serve queues the Delete of the event, then stops before it is
	// delivered (the Group's Delete waits for it).
	eventually(t, 20*time.Second, func() bool {
		rms, err := store.ListRemovals(ctx)
		return err == nil && len(rms) == 1 && rms[0].Pending > 0
	})
	srv.stop(t)
	if _, err := store.GetAssociation(ctx, assoc.ID); err != nil {
		t.Fatalf("the association went before its Deletes were delivered: %v", err)
	}

	// The follower is back, and its retries are due.
	inbox.down.Store(false)
	if _, err := store.Writer().ExecContext(ctx, `UPDATE deliveries SET next_at = '2000-01-01T00:00:00.000Z' WHERE state = 'pending'`); err != nil {
		t.Fatal(err)
	}
	srv = startServeAt(t, data, addr, "--allow-private-addresses")
	defer srv.stop(t)
	eventually(t, 30*time.Second, func() bool {
		_, err := store.GetAssociation(ctx, assoc.ID)
		return errors.Is(err, db.ErrNotFound)
	})
	var eventDeletes, groupDeletes int
	for _, act := range inbox.delivered() {
		actor, _ := act["actor"].(string)
		if act["type"] != "Delete" || !strings.HasSuffix(actor, "/@chorale-nerac") {
			continue
		}
		switch obj := act["object"].(type) {
		case string:
			if obj == actor {
				groupDeletes++
			}
		case map[string]any:
			if obj["id"] == eventID {
				if groupDeletes > 0 {
					t.Error("the Group's Delete arrived before its event's")
				}
				eventDeletes++
			}
		}
	}
	if eventDeletes != 1 || groupDeletes != 1 {
		t.Fatalf("the follower got %d Deletes of the event %s and %d of the Group, want 1 and 1: %v",
			eventDeletes, eventID, groupDeletes, inbox.delivered())
	}
	// Its event page is gone; its calendar with it.
	if cals, err := store.ListCalendars(ctx, db.CalendarFilter{AssociationID: assoc.ID}); err != nil || len(cals) != 0 {
		t.Fatalf("calendars left: %d %v", len(cals), err)
	}
}
