package federation

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// TestOneObjectUnderTwoSpellings: a Create and an Update of the same
// remote event whose ids spell the host differently (scheme case, a
// trailing dot) leave one event, updated; the follower row of an actor
// written two ways is one row.
func TestOneObjectUnderTwoSpellings(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, nil)
	st := newStub(t)
	st.actor("/relay", "Application")
	grp := st.actor("/@grp", "Group")
	if _, _, err := in.fed.Follow(ctx, st.URL()+"/relay", true); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(st.URL(), "http://")
	id := st.URL() + "/events/1"
	spellings := []string{"HTTP://" + host + "/events/1", "http://" + strings.Replace(host, ":", ".:", 1) + "/events/1", id}
	start := time.Now().Add(48 * time.Hour)
	for i, sp := range spellings {
		act := createEvent(grp, sp, []string{"Bal", "Bal masqué", "Bal masqué et costumé"}[i], start, nil)
		if i > 0 {
			act["type"] = "Update"
		}
		if err := in.fed.process(ctx, act, grp); err != nil {
			t.Fatalf("%s: %v", sp, err)
		}
	}
	fl, err := in.store.GetFollow(ctx, st.URL()+"/relay")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := in.store.ListEvents(ctx, fl.CalendarID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		for _, e := range evs {
			t.Logf("stored %q as %s", e.Summary, e.APID)
		}
		t.Fatalf("%d events stored, want 1", len(evs))
	}
	if evs[0].Summary != "Bal masqué et costumé" || evs[0].APID != id {
		t.Errorf("stored %q as %s, want the last update as %s", evs[0].Summary, evs[0].APID, id)
	}

	// The same follower, written two ways, is one follower.
	assoc, _ := dbtest.Association(t, in.store, "club")
	a := assoc.ID
	for _, actor := range []string{"HTTPS://Mobilizon.Example./@ann", "https://mobilizon.example:443/@ann"} {
		if err := in.store.PutFollower(ctx, &db.Follower{AssociationID: a, ActorID: actor, FollowID: actor + "/follow/1", FollowJSON: "{}", State: db.FollowAccepted}); err != nil {
			t.Fatal(err)
		}
	}
	fls, err := in.store.ListFollowers(ctx, a, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(fls) != 1 || fls[0].ActorID != "https://mobilizon.example/@ann" {
		t.Errorf("followers %+v, want one, https://mobilizon.example/@ann", fls)
	}
}

func TestOurHost(t *testing.T) {
	f, _ := newOffline(t)
	for h, want := range map[string]bool{
		"bastide.example": true, "Bastide.Example": true, "bastide.example.": true,
		"bastide.example:443": true, "bastide.example:80": true,
		"bastide.example:8443": false, "other.example": false, "bastide.example.evil": false, "": false,
		"user@bastide.example": false,
	} {
		if got := f.ourHost(h); got != want {
			t.Errorf("ourHost(%q) = %v, want %v", h, got, want)
		}
	}
}

// TestKeyIDSpelledOtherwise: a keyId whose host is spelled otherwise than
// in the actor's document (here the scheme in capitals) still names that
// actor's key.
func TestKeyIDSpelledOtherwise(t *testing.T) {
	in := newInstance(t, nil)
	st := newStub(t)
	dbtest.Association(t, in.store, "club")
	actor := st.actor("/@grp", "Group")
	body := mustJSON(t, map[string]any{"type": "Like", "id": actor + "/likes/1", "actor": actor, "object": in.fed.URIs().ActorID("club")})
	keyID := "HTTP://" + strings.TrimPrefix(actor, "http://") + "#main-key"
	if resp := signedPost(t, in.fed.URIs().SharedInbox(), keyID, st.key, body); resp.StatusCode != http.StatusAccepted {
		t.Errorf("status %d, want 202", resp.StatusCode)
	}
}
