package db_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

func TestAssociationLogo(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	a := &model.Association{Slug: "amis", Name: "Les amis"}
	if err := s.CreateAssociation(ctx, a); err != nil {
		t.Fatal(err)
	}
	if sha, err := s.AssociationLogo(ctx, a.ID); err != nil || sha != "" {
		t.Fatalf("a new association has logo %q (%v)", sha, err)
	}
	im := &model.Image{SHA256: "ab12", MIME: "image/png", Width: 2, Height: 3, Bytes: []byte("\x89PNG...")}
	if err := s.SetAssociationLogo(ctx, a.ID, im); err != nil {
		t.Fatal(err)
	}
	// The same bytes again: stored once, no conflict.
	if err := s.SetAssociationLogo(ctx, a.ID, &model.Image{SHA256: "ab12", MIME: "image/png", Width: 2, Height: 3, Bytes: im.Bytes}); err != nil {
		t.Fatal(err)
	}
	if sha, err := s.AssociationLogo(ctx, a.ID); err != nil || sha != "ab12" {
		t.Fatalf("logo %q (%v)", sha, err)
	}
	got, err := s.GetImage(ctx, "ab12")
	if err != nil || got.MIME != "image/png" || got.Width != 2 || got.Height != 3 || !bytes.Equal(got.Bytes, im.Bytes) {
		t.Fatalf("image %+v (%v)", got, err)
	}
	if _, err := s.GetImage(ctx, "ffff"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("a missing image: %v", err)
	}
	// A logo for no association changes nothing and says so.
	if err := s.SetAssociationLogo(ctx, a.ID+99, &model.Image{SHA256: "cd34", MIME: "image/png", Width: 1, Height: 1, Bytes: []byte("x")}); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("logo of a missing association: %v", err)
	}
	if _, err := s.GetImage(ctx, "cd34"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("the refused logo was stored: %v", err)
	}
	if err := s.SetAssociationLogo(ctx, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if sha, _ := s.AssociationLogo(ctx, a.ID); sha != "" {
		t.Fatalf("removed logo still %q", sha)
	}
}
