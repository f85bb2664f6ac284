package federation

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// A decision recorded in the store alone (as the back office records it,
// web importing no federation) is answered by the publisher's round: the
// Accept or Reject with the Follow as it came, once.
func TestDecisionsFromTheStoreAreAnswered(t *testing.T) {
	ctx := context.Background()
	f, s, a, _ := goldenFixture(t)
	a.ManuallyApprovesFollowers = true
	if err := s.UpdateAssociation(ctx, a); err != nil {
		t.Fatal(err)
	}
	group := f.URIs().ActorID(a.Slug)
	ids := map[string]string{}
	for _, who := range []string{"dana", "eve"} {
		id := "https://mz" + who + ".example/@" + who
		ids[who] = id
		if err := s.PutRemoteActor(ctx, &db.RemoteActor{APID: id, Type: "Person", Inbox: id + "/inbox"}); err != nil {
			t.Fatal(err)
		}
		fw := map[string]any{"@context": mobilizon.Context(), "id": id + "/follow/1", "type": "Follow", "actor": id, "object": group}
		if err := f.process(ctx, fw, id); err != nil {
			t.Fatal(err)
		}
	}
	_, _, last := queued(t, s, 0)
	if err := f.sendAnswers(ctx); err != nil {
		t.Fatal(err)
	}
	if acts, _, _ := queued(t, s, last); len(acts) != 0 {
		t.Fatalf("answers before any decision: %v", acts)
	}

	if err := s.DecideFollower(ctx, a.ID, ids["dana"], true); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideFollower(ctx, a.ID, ids["eve"], false); err != nil {
		t.Fatal(err)
	}
	if err := f.sendAnswers(ctx); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, last := queued(t, s, last)
	got := map[string]string{}
	for i, act := range acts {
		obj, _ := act["object"].(map[string]any)
		if act["actor"] != group || obj["type"] != "Follow" {
			t.Fatalf("answer %v", act)
		}
		got[obj["actor"].(string)] = act["type"].(string) + " " + inboxes[i][0]
	}
	want := map[string]string{ids["dana"]: "Accept " + ids["dana"] + "/inbox", ids["eve"]: "Reject " + ids["eve"] + "/inbox"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("answers %v, want %v", got, want)
	}
	// Sent once: the next round finds nothing waiting.
	if err := f.sendAnswers(ctx); err != nil {
		t.Fatal(err)
	}
	if acts, _, _ := queued(t, s, last); len(acts) != 0 {
		t.Fatalf("answers sent twice: %v", acts)
	}
	if fl, _ := s.GetFollower(ctx, a.ID, ids["eve"]); fl.State != db.FollowRejected {
		t.Fatalf("eve is %s", fl.State)
	}
}

// An answer whose follower cannot be reached (its actor document cannot
// be fetched) is tried again with the delivery queue's backoff, not at
// every round of the publisher; once due, it is tried again and sent.
func TestUndeliverableAnswerBacksOff(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	now := goldenClock
	f, err := New(s, nil, Config{BaseURL: "https://bastide.example", AllowPrivateAddresses: true, RetryBase: time.Minute,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := dbtest.Association(t, s, "amis")
	st := newStub(t)
	gone := st.URL() + "/@gone" // not served yet: 404
	if err := s.PutFollower(ctx, &db.Follower{AssociationID: a.ID, ActorID: gone, FollowID: gone + "/follow/1",
		FollowJSON: `{"type":"Follow","id":"` + gone + `/follow/1","actor":"` + gone + `"}`, State: db.FollowPending}); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideFollower(ctx, a.ID, gone, true); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		f.sendAnswers(ctx) // fails: the follower cannot be fetched
	}
	if n := st.getCount("/@gone"); n != 1 {
		t.Fatalf("the unreachable follower was fetched %d times in one minute, want 1 (then backoff)", n)
	}
	st.actor("/@gone", "Person")
	now = now.Add(2 * time.Minute)
	if err := f.sendAnswers(ctx); err != nil {
		t.Fatal(err)
	}
	acts, _, _ := queued(t, s, 0)
	if len(acts) != 1 || acts[0]["type"] != "Accept" {
		t.Fatalf("once due and reachable: %v", acts)
	}
}
