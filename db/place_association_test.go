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

func TestAssociationPlaces(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	amis, cal := dbtest.Association(t, s, "amis")
	autre, _ := dbtest.Association(t, s, "autre")
	salle := func(assoc int64, commune string) *model.Place {
		return &model.Place{AssociationID: assoc, Name: "Salle des fêtes", CommuneINSEE: commune}
	}
	// Two villages' halls of the same name stay two places.
	nerac, agen := salle(amis.ID, "47195"), salle(amis.ID, "47001")
	for _, p := range []*model.Place{nerac, agen} {
		if err := s.CreateAssociationPlace(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if nerac.ID == agen.ID {
		t.Fatal("two villages' halls were merged")
	}
	if err := s.CreateAssociationPlace(ctx, &model.Place{AssociationID: amis.ID, Name: "SALLE DES fêtes", CommuneINSEE: "47195"}); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("the same hall twice in one village: %v", err)
	}
	// Another association may have its own hall in the same village.
	if err := s.CreateAssociationPlace(ctx, salle(autre.ID, "47195")); err != nil {
		t.Fatal(err)
	}
	if ps, err := s.ListAssociationPlaces(ctx, amis.ID); err != nil || len(ps) != 2 {
		t.Fatalf("places of amis: %v (%v)", ps, err)
	}
	// A place met in an import is never one of an association's.
	met := &model.Place{Name: "Salle des fêtes", CommuneINSEE: "47195"}
	if err := s.EnsurePlace(ctx, met); err != nil || met.ID == nerac.ID {
		t.Fatalf("EnsurePlace took the association's place (%v)", err)
	}
	if _, err := s.GetAssociationPlace(ctx, autre.ID, nerac.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("another association's place: %v", err)
	}

	// An event at the hall: changing or removing the hall logs it.
	ev := dbtest.Event(cal.ID, "bal@amis", time.Now().AddDate(0, 0, 5), "Bal")
	ev.PlaceID = nerac.ID
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	last := func() int64 {
		ch, err := s.ChangesAfter(ctx, 0, 10000)
		if err != nil || len(ch) == 0 {
			t.Fatal(err)
		}
		return ch[len(ch)-1].Seq
	}
	seq := last()
	nerac.Street = "Place du Général de Gaulle"
	if err := s.UpdateAssociationPlace(ctx, nerac); err != nil {
		t.Fatal(err)
	}
	if ch, _ := s.ChangesAfter(ctx, seq, 10); len(ch) != 1 || ch[0].UID != "bal@amis" || ch[0].Kind != model.ChangePut {
		t.Fatalf("changes after the place changed: %+v", ch)
	}
	other := *nerac
	other.AssociationID = autre.ID
	if err := s.UpdateAssociationPlace(ctx, &other); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("updating another association's place: %v", err)
	}
	if err := s.DeleteAssociationPlace(ctx, autre.ID, nerac.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("deleting another association's place: %v", err)
	}
	seq = last()
	if err := s.DeleteAssociationPlace(ctx, amis.ID, nerac.ID); err != nil {
		t.Fatal(err)
	}
	if ch, _ := s.ChangesAfter(ctx, seq, 10); len(ch) != 1 || ch[0].UID != "bal@amis" {
		t.Fatalf("changes after the place went: %+v", ch)
	}
	got, err := s.GetEvent(ctx, ev.ID)
	if err != nil || got.PlaceID != 0 {
		t.Fatalf("the event keeps place %d (%v)", got.PlaceID, err)
	}
}
