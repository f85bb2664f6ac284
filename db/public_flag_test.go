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

// TestPublicFlagFollowsEveryRoad walks every road that changes an input
// of the public rule (an event written alone or in a batch, a new text
// that changes its class, moderation, a calendar made private and public
// again, an association archived, brought back and removed) and checks
// after each step that every occurrence's stored flag is the rule read
// afresh, and that the step moved the number of public occurrences as it
// should. Then it checks that a store from before the flag gets it at
// the next start.
func TestPublicFlagFollowsEveryRoad(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	assoc, cal := dbtest.Association(t, s, "foyer")
	_, other := dbtest.Association(t, s, "voisins")
	base := time.Date(2027, 3, 1, 18, 0, 0, 0, time.UTC)
	check := func(step string, wantPublic int) {
		t.Helper()
		wrong, public, err := s.WrongFlags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if wrong != 0 || public != wantPublic {
			t.Fatalf("after %s: %d occurrences flagged wrong, %d public (want 0 wrong, %d public)", step, wrong, public, wantPublic)
		}
	}
	// A weekly series of four occurrences, the third private.
	series := dbtest.Event(cal.ID, "serie", base, "Atelier")
	series.Recurring = true
	for k := 1; k < 4; k++ {
		st := base.AddDate(0, 0, 7*k)
		series.Instances = append(series.Instances, model.Instance{Start: st, End: st.Add(time.Hour), RecurrenceID: st})
	}
	series.Instances[2].Override, series.Instances[2].Class = true, "PRIVATE"
	if _, err := s.PutEvent(ctx, db.Put{Event: series}); err != nil {
		t.Fatal(err)
	}
	pending := dbtest.Event(cal.ID, "attente", base.Add(time.Hour), "Loto")
	pending.Moderation = model.ModerationPending
	rejected := dbtest.Event(cal.ID, "refus", base.Add(2*time.Hour), "Bal")
	rejected.Moderation = model.ModerationPending
	day := dbtest.Event(other.ID, "jour", base, "Fête")
	day.AllDay = true
	if _, err := s.PutEvents(ctx, []db.Put{{Event: pending}, {Event: rejected}, {Event: day}}); err != nil {
		t.Fatal(err)
	}
	check("writing", 3+1)
	if err := s.Moderate(ctx, pending.ID, model.ModerationApproved); err != nil {
		t.Fatal(err)
	}
	check("approving", 5)
	if err := s.Moderate(ctx, rejected.ID, model.ModerationRejected); err != nil {
		t.Fatal(err)
	}
	check("rejecting", 5)
	secret := dbtest.Event(cal.ID, "attente", base.Add(time.Hour), "Loto entre nous")
	secret.Class = "CONFIDENTIAL"
	if _, err := s.PutEvent(ctx, db.Put{Event: secret}); err != nil {
		t.Fatal(err)
	}
	check("a new text making an event confidential", 4)
	cal.Public = false
	if err := s.UpdateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	check("making the calendar private", 1)
	cal.Public = true
	if err := s.UpdateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	check("making it public again", 4)
	if err := s.ArchiveAssociation(ctx, assoc.ID, true); err != nil {
		t.Fatal(err)
	}
	check("archiving the association", 1)
	if err := s.ArchiveAssociation(ctx, assoc.ID, false); err != nil {
		t.Fatal(err)
	}
	check("bringing it back", 4)
	if _, err := s.RemoveAssociation(ctx, assoc.ID); err != nil {
		t.Fatal(err)
	}
	check("removing it", 1)

	// A store written before the flag existed: every flag is computed at
	// the next start.
	if _, err := s.Writer().ExecContext(ctx, `UPDATE event_instances SET public = 1 - public, wall = 1 - wall`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Writer().ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, '0')`, db.MetaPublicRefresh); err != nil {
		t.Fatal(err)
	}
	if wrong, _, _ := s.WrongFlags(ctx); wrong == 0 {
		t.Fatal("the flags were not spoilt")
	}
	path := s.Path()
	s.Close()
	s, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(fmt.Sprintf("a start with %s", db.MetaPublicRefresh), 1)
	if _, err := s.GetMeta(ctx, db.MetaPublicRefresh); err != db.ErrNotFound {
		t.Errorf("the refresh key is still there: %v", err)
	}
}
