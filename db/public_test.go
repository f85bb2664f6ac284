package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// TestPublicRuleAgrees stores one occurrence for every combination of
// calendar visibility (public, private, public of an archived association,
// public of one being removed), moderation, event class and occurrence
// class, and
// checks that the store's public queries (occurrences, and the categories
// of public events) find exactly what model.PublicOccurrence and
// model.PublicEvent allow.
func TestPublicRuleAgrees(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, pub := dbtest.Association(t, s, "ouverte")
	_, priv := dbtest.Association(t, s, "fermee")
	priv.Public = false
	if err := s.UpdateCalendar(ctx, priv); err != nil {
		t.Fatal(err)
	}
	// Two more public calendars, whose associations are archived and
	// being removed once their events are written (they take no writes).
	archived, arch := dbtest.Association(t, s, "archivee")
	leaving, leav := dbtest.Association(t, s, "partante")
	if err := s.PutFollower(ctx, &db.Follower{AssociationID: leaving.ID, ActorID: "https://mobilizon.example/@x",
		FollowID: "https://mobilizon.example/follow/1", FollowJSON: `{}`, State: db.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2027, 3, 1, 18, 0, 0, 0, time.UTC)
	type stored struct {
		cal *model.Calendar
		e   *model.Event
	}
	var all []stored
	n := 0
	for _, cal := range []*model.Calendar{pub, priv, arch, leav} {
		for _, mod := range []string{model.ModerationApproved, model.ModerationPending, model.ModerationRejected} {
			for _, ec := range []string{"", "PUBLIC", "PRIVATE", "CONFIDENTIAL", "X-CLUB"} {
				for _, ic := range []string{"", "PUBLIC", "PRIVATE", "CONFIDENTIAL"} {
					n++
					uid := fmt.Sprintf("u%03d", n)
					e := dbtest.Event(cal.ID, uid, base.Add(time.Duration(n)*time.Minute), "Réunion "+uid)
					e.Moderation, e.Class, e.Categories = mod, ec, []string{"cat-" + uid}
					e.Instances[0].Override, e.Instances[0].Class = true, ic
					if _, err := s.PutEvent(ctx, db.Put{Event: e}); err != nil {
						t.Fatal(err)
					}
					all = append(all, stored{cal, e})
				}
			}
		}
	}
	if err := s.ArchiveAssociation(ctx, archived.ID, true); err != nil {
		t.Fatal(err)
	}
	if purged, err := s.RemoveAssociation(ctx, leaving.ID); err != nil || purged {
		t.Fatalf("removing partante: purged %v, %v", purged, err)
	}
	wantOcc := map[string]bool{}
	wantCat := map[string]bool{}
	for _, st := range all {
		cal, err := s.GetCalendar(ctx, st.cal.ID) // as the store sees it now
		if err != nil {
			t.Fatal(err)
		}
		if cal.Withdrawn != (cal.ID == arch.ID || cal.ID == leav.ID) {
			t.Fatalf("calendar %s: withdrawn %v", cal.Slug, cal.Withdrawn)
		}
		e := st.e
		wantOcc[e.UID] = model.PublicOccurrence(cal, e, &e.Instances[0])
		wantCat["cat-"+e.UID] = model.PublicEvent(cal, e)
	}
	rows, err := s.ListInstances(ctx, db.InstanceQuery{From: base, To: base.Add(24 * time.Hour), Public: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	gotOcc := map[string]bool{}
	for _, r := range rows {
		gotOcc[r.Event.UID] = true
	}
	cats, err := s.PublicCategories(ctx, base, 1000)
	if err != nil {
		t.Fatal(err)
	}
	gotCat := map[string]bool{}
	for _, c := range cats {
		gotCat[c] = true
	}
	shown := 0
	for uid, want := range wantOcc {
		if gotOcc[uid] != want {
			t.Errorf("occurrence %s: store shows it %v, the model says %v", uid, gotOcc[uid], want)
		}
		if want {
			shown++
		}
	}
	for c, want := range wantCat {
		if gotCat[c] != want {
			t.Errorf("categories of %s: store lists it %v, the model says %v", c, gotCat[c], want)
		}
	}
	// 1 calendar x 1 moderation x 3 public event classes x 2 public occurrence classes:
	// nothing of the archived association or of the one being removed.
	if shown != 6 {
		t.Errorf("%d occurrences are public, want 6", shown)
	}
}
