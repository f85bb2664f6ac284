package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// A calendar or an association deleted while it was the newest does not
// hand its id to the next one: the change log (sync tokens, ctags) and
// the caches are keyed by those ids.
func TestIDsAreNeverGivenTwice(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	a, cal := dbtest.Association(t, s, "a")
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "e1", time.Now(), "x")}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCalendar(ctx, cal.ID); err != nil {
		t.Fatal(err)
	}
	next := &model.Calendar{Kind: cal.Kind, AssociationID: a.ID, Slug: cal.Slug, Name: "Encore", Components: []string{"VEVENT"}}
	if err := s.CreateCalendar(ctx, next); err != nil {
		t.Fatal(err)
	}
	if next.ID <= cal.ID {
		t.Fatalf("new calendar got id %d, the deleted one had %d", next.ID, cal.ID)
	}
	if ch, err := s.CalendarChanges(ctx, next.ID, 0, 0); err != nil || len(ch) != 0 {
		t.Fatalf("the new calendar inherited changes: %+v %v", ch, err)
	}

	b, _ := dbtest.Association(t, s, "b")
	if _, err := s.Writer().ExecContext(ctx, `DELETE FROM associations WHERE id = ?`, b.ID); err != nil {
		t.Fatal(err)
	}
	c, _ := dbtest.Association(t, s, "c")
	if c.ID <= b.ID {
		t.Fatalf("new association got id %d, the deleted one had %d", c.ID, b.ID)
	}
}
