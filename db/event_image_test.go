package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// A poster is stored with the event that links to it, in one transaction:
// a refused write stores neither.
func TestPutEventWithImage(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	a := &model.Association{Slug: "amis", Name: "Les amis"}
	if err := s.CreateAssociation(ctx, a); err != nil {
		t.Fatal(err)
	}
	cal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: "main", Name: "Agenda", Public: true}
	if err := s.CreateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	ev := dbtest.Event(cal.ID, "bal", time.Date(2026, 4, 15, 20, 0, 0, 0, time.UTC), "Bal")
	im := &model.Image{SHA256: "ef56", MIME: "image/jpeg", Width: 8, Height: 8, Bytes: []byte("\xff\xd8...")}
	if _, err := s.PutEvent(ctx, db.Put{Event: ev, IfNoneMatch: true, Image: im}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetImage(ctx, "ef56"); err != nil {
		t.Fatalf("the poster is not stored: %v", err)
	}
	// The same href again with If-None-Match: refused, and the new poster
	// is not stored either.
	again := dbtest.Event(cal.ID, "bal", time.Date(2026, 4, 16, 20, 0, 0, 0, time.UTC), "Bal")
	other := &model.Image{SHA256: "ab78", MIME: "image/jpeg", Width: 8, Height: 8, Bytes: []byte("\xff\xd8..")}
	if _, err := s.PutEvent(ctx, db.Put{Event: again, IfNoneMatch: true, Image: other}); err == nil {
		t.Fatal("a second create at the same href was accepted")
	}
	if _, err := s.GetImage(ctx, "ab78"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("a refused write stored its poster: %v", err)
	}
}
