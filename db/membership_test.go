package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// An association that has an owner keeps one: its last owner can be
// neither removed nor demoted; with a second owner, either can go.
func TestLastOwnerStays(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	a, _ := dbtest.Association(t, s, "amis")
	user := func(name string, role model.Role) *model.User {
		u := &model.User{Username: name}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: role}); err != nil {
			t.Fatal(err)
		}
		return u
	}
	olga := user("olga", model.RoleOwner)
	eddy := user("eddy", model.RoleEditor)
	if err := s.RemoveMembership(ctx, olga.ID, a.ID); !errors.Is(err, db.ErrLastOwner) {
		t.Fatalf("removing the last owner: %v", err)
	}
	if err := s.SetMembership(ctx, &model.Membership{UserID: olga.ID, AssociationID: a.ID, Role: model.RoleViewer}); !errors.Is(err, db.ErrLastOwner) {
		t.Fatalf("demoting the last owner: %v", err)
	}
	if r, _ := s.GetRole(ctx, olga.ID, a.ID); r != model.RoleOwner {
		t.Fatalf("a refused change left olga %q", r)
	}
	// An editor may come and go.
	if err := s.RemoveMembership(ctx, eddy.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	// With two owners, one may step down, then the other is the last.
	otto := user("otto", model.RoleOwner)
	if err := s.SetMembership(ctx, &model.Membership{UserID: olga.ID, AssociationID: a.ID, Role: model.RoleEditor}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMembership(ctx, otto.ID, a.ID); !errors.Is(err, db.ErrLastOwner) {
		t.Fatalf("removing the new last owner: %v", err)
	}
}

// Deleting the account of an association's last owner is refused, with
// the associations named, and changes nothing; once someone else is
// owner, the account goes.
func TestDeleteUserKeepsAnOwner(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	amis, _ := dbtest.Association(t, s, "amis")
	club, _ := dbtest.Association(t, s, "club")
	olga := dbtest.User(t, s, "olga")
	otto := dbtest.User(t, s, "otto")
	for _, m := range []model.Membership{{UserID: olga.ID, AssociationID: amis.ID, Role: model.RoleOwner},
		{UserID: olga.ID, AssociationID: club.ID, Role: model.RoleOwner},
		{UserID: otto.ID, AssociationID: club.ID, Role: model.RoleOwner}} {
		if err := s.SetMembership(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	err := s.DeleteUser(ctx, olga.ID)
	var lo *db.LastOwnerError
	if !errors.Is(err, db.ErrLastOwner) || !errors.As(err, &lo) || len(lo.Associations) != 1 || lo.Associations[0] != "amis" {
		t.Fatalf("deleting the last owner of amis: %v", err)
	}
	if _, err := s.GetUser(ctx, olga.ID); err != nil {
		t.Fatalf("the refused deletion removed olga: %v", err)
	}
	if r, _ := s.GetRole(ctx, olga.ID, amis.ID); r != model.RoleOwner {
		t.Fatalf("the refused deletion left olga %q of amis", r)
	}
	if err := s.SetMembership(ctx, &model.Membership{UserID: otto.ID, AssociationID: amis.ID, Role: model.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, olga.ID); err != nil {
		t.Fatalf("deleting olga with another owner everywhere: %v", err)
	}
}
