package db_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// An archived association's calendars take no writes on any road (put,
// delete, calendar deletion) and leave the public calendars; each state
// change logs its events for the publisher; un-archiving restores it.
func TestArchiveAssociation(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	a, cal := dbtest.Association(t, s, "amis")
	start := time.Date(2027, 3, 1, 18, 0, 0, 0, time.UTC)
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "fete", start, "Fête")}); err != nil {
		t.Fatal(err)
	}
	logged := func() int {
		chs, err := s.ChangesAfter(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(chs)
	}
	before := logged()
	if err := s.ArchiveAssociation(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := logged(); got != before+1 {
		t.Fatalf("archiving logged %d changes, want 1 (its one event)", got-before)
	}
	if err := s.ArchiveAssociation(ctx, a.ID, true); err != nil || logged() != before+1 {
		t.Fatalf("archiving again: %v, %d changes", err, logged()-before)
	}
	got, err := s.GetAssociation(ctx, a.ID)
	if err != nil || got.ArchivedAt.IsZero() || !got.Withdrawn() {
		t.Fatalf("archived association: %+v %v", got, err)
	}
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "autre", start, "Autre")}); !errors.Is(err, db.ErrWithdrawn) {
		t.Fatalf("a put into an archived association's calendar: %v", err)
	}
	if _, err := s.DeleteEvent(ctx, cal.ID, "fete.ics", ""); !errors.Is(err, db.ErrWithdrawn) {
		t.Fatalf("a delete from an archived association's calendar: %v", err)
	}
	if err := s.DeleteCalendar(ctx, cal.ID); !errors.Is(err, db.ErrWithdrawn) {
		t.Fatalf("deleting an archived association's calendar: %v", err)
	}
	if cals, err := s.ListCalendars(ctx, db.CalendarFilter{PublicOnly: true}); err != nil || len(cals) != 0 {
		t.Fatalf("public calendars with amis archived: %d %v", len(cals), err)
	}
	if err := s.ArchiveAssociation(ctx, a.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := logged(); got != before+2 {
		t.Fatalf("un-archiving logged %d changes, want 1", got-before-1)
	}
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "autre", start, "Autre")}); err != nil {
		t.Fatalf("a put after un-archiving: %v", err)
	}
	if cals, err := s.ListCalendars(ctx, db.CalendarFilter{PublicOnly: true}); err != nil || len(cals) != 1 {
		t.Fatalf("public calendars with amis back: %d %v", len(cals), err)
	}
	if err := s.ArchiveAssociation(ctx, a.ID+99, true); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("archiving no association: %v", err)
	}
}

// Removing an association the fediverse never heard of purges it at
// once; one with followers waits, withdrawn, until its Group's Delete is
// queued and delivered, then goes with everything it had.
func TestRemoveAssociation(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	quiet, qcal := dbtest.Association(t, s, "discrete")
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(qcal.ID, "q", time.Date(2027, 3, 1, 18, 0, 0, 0, time.UTC), "Q")}); err != nil {
		t.Fatal(err)
	}
	if purged, err := s.RemoveAssociation(ctx, quiet.ID); err != nil || !purged {
		t.Fatalf("removing an association nobody follows: purged %v, %v", purged, err)
	}
	if _, err := s.GetAssociation(ctx, quiet.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("the purged association: %v", err)
	}

	a, cal := dbtest.Association(t, s, "amis")
	u := dbtest.User(t, s, "olga")
	if err := s.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: model.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "fete", time.Date(2027, 3, 1, 18, 0, 0, 0, time.UTC), "Fête")}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFollower(ctx, &db.Follower{AssociationID: a.ID, ActorID: "https://mobilizon.example/@x",
		FollowID: "https://mobilizon.example/follow/1", FollowJSON: `{}`, State: db.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
	loss, err := s.AssociationLoss(ctx, a.ID)
	if err != nil || loss != (db.AssociationLoss{Events: 1, Calendars: 1, Followers: 1, Members: 1}) {
		t.Fatalf("what amis holds: %+v %v", loss, err)
	}
	if purged, err := s.RemoveAssociation(ctx, a.ID); err != nil || purged {
		t.Fatalf("removing a followed association: purged %v, %v", purged, err)
	}
	rms, err := s.ListRemovals(ctx)
	if err != nil || len(rms) != 1 || rms[0].Association.ID != a.ID || rms[0].Farewell || rms[0].Seq == 0 {
		t.Fatalf("removals: %+v %v", rms, err)
	}
	if err := s.ArchiveAssociation(ctx, a.ID, false); !errors.Is(err, db.ErrWithdrawn) {
		t.Fatalf("un-archiving an association being removed: %v", err)
	}
	if err := s.PurgeAssociation(ctx, a.ID); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("purging before the farewell: %v", err)
	}
	if err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.QueueActivityTx(ctx, tx, "https://agenda.example/@amis#delete", a.ID, []byte(`{}`), []string{"https://mobilizon.example/inbox"}); err != nil {
			return err
		}
		return db.MarkFarewellTx(ctx, tx, a.ID)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.PurgeAssociation(ctx, a.ID); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("purging while the farewell waits for delivery: %v", err)
	}
	if _, err := s.Writer().ExecContext(ctx, `UPDATE deliveries SET state = 'dead'`); err != nil {
		t.Fatal(err)
	}
	if err := s.PurgeAssociation(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAssociation(ctx, a.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("the purged association: %v", err)
	}
	if _, err := s.GetCalendar(ctx, cal.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("its calendar: %v", err)
	}
	if fs, err := s.ListFollowers(ctx, a.ID, db.FollowAccepted); err != nil || len(fs) != 0 {
		t.Fatalf("its followers: %d %v", len(fs), err)
	}
	if ms, err := s.ListMemberships(ctx, u.ID); err != nil || len(ms) != 0 {
		t.Fatalf("olga's memberships: %+v %v", ms, err)
	}
}
