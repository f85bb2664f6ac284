package db_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

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

// A replaced or removed logo goes with the change, unless another
// association shows it or an event names it (an IMAGE at /images/SHA);
// PruneImages catches the rest.
func TestReplacedLogoGoes(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	amis, cal := dbtest.Association(t, s, "amis")
	club, _ := dbtest.Association(t, s, "club")
	img := func(sha string) *model.Image {
		return &model.Image{SHA256: sha, MIME: "image/png", Width: 1, Height: 1, Bytes: []byte(sha)}
	}
	has := func(sha string) bool {
		_, err := s.GetImage(ctx, sha)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	for _, c := range []struct {
		assoc *model.Association
		sha   string
	}{{amis, "aaaa"}, {amis, "bbbb"}, {club, "cccc"}, {amis, "cccc"}, {amis, "dddd"}} {
		if err := s.SetAssociationLogo(ctx, c.assoc.ID, img(c.sha)); err != nil {
			t.Fatal(err)
		}
	}
	// aaaa and bbbb were replaced and nothing shows them; cccc is still
	// club's logo; dddd is amis's.
	if has("aaaa") || has("bbbb") || !has("cccc") || !has("dddd") {
		t.Fatalf("after replacing logos: aaaa %v bbbb %v cccc %v dddd %v", has("aaaa"), has("bbbb"), has("cccc"), has("dddd"))
	}
	// An event names dddd as its image: removing the logo keeps it.
	e := dbtest.Event(cal.ID, "affiche", time.Date(2027, 5, 1, 18, 0, 0, 0, time.UTC), "Concert")
	e.Data = strings.Replace(e.Data, "SUMMARY:", "IMAGE;VALUE=URI:https://agenda.example/images/dddd\r\nSUMMARY:", 1)
	if _, err := s.PutEvent(ctx, db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAssociationLogo(ctx, amis.ID, nil); err != nil {
		t.Fatal(err)
	}
	if !has("dddd") {
		t.Fatal("the logo an event still names was deleted")
	}
	// An image left behind by an older version goes at the next prune.
	if err := s.PutImage(ctx, img("eeee")); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneImages(ctx); err != nil || n != 1 || has("eeee") || !has("dddd") || !has("cccc") {
		t.Fatalf("prune: %d %v, eeee %v dddd %v cccc %v", n, err, has("eeee"), has("dddd"), has("cccc"))
	}
}

// The instance's logo is kept by the same rule: pruning leaves it, and
// replacing it drops the old one.
func TestInstanceLogoKept(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	img := func(sha string) *model.Image {
		return &model.Image{SHA256: sha, MIME: "image/png", Width: 1, Height: 1, Bytes: []byte(sha)}
	}
	st := model.DefaultInstanceSettings()
	if err := s.PutInstanceSettings(ctx, st, img("ffff")); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneImages(ctx); err != nil || n != 0 {
		t.Fatalf("prune: %d %v", n, err)
	}
	got, err := s.InstanceSettings(ctx)
	if err != nil || got.LogoSHA256 != "ffff" {
		t.Fatalf("after prune the instance logo is %q (%v)", got.LogoSHA256, err)
	}
	if err := s.PutInstanceSettings(ctx, got, img("9999")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetImage(ctx, "ffff"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("the replaced instance logo is still stored (%v)", err)
	}
	if _, err := s.GetImage(ctx, "9999"); err != nil {
		t.Fatal(err)
	}
}
