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
	if err := s.RemoveMember(ctx, olga.ID, a.ID); !errors.Is(err, db.ErrLastOwner) {
		t.Fatalf("removing the last owner: %v", err)
	}
	if err := s.SetMemberRole(ctx, &model.Membership{UserID: olga.ID, AssociationID: a.ID, Role: model.RoleViewer}); !errors.Is(err, db.ErrLastOwner) {
		t.Fatalf("demoting the last owner: %v", err)
	}
	if r, _ := s.GetRole(ctx, olga.ID, a.ID); r != model.RoleOwner {
		t.Fatalf("a refused change left olga %q", r)
	}
	// An editor may come and go.
	if err := s.RemoveMember(ctx, eddy.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	// With two owners, one may step down, then the other is the last.
	otto := user("otto", model.RoleOwner)
	if err := s.SetMemberRole(ctx, &model.Membership{UserID: olga.ID, AssociationID: a.ID, Role: model.RoleEditor}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMember(ctx, otto.ID, a.ID); !errors.Is(err, db.ErrLastOwner) {
		t.Fatalf("removing the new last owner: %v", err)
	}
}

// The commands, the operator's tool, may still take the last owner out.
func TestOperatorMayRemoveTheLastOwner(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	a, _ := dbtest.Association(t, s, "amis")
	u := dbtest.User(t, s, "olga")
	if err := s.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: model.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMembership(ctx, u.ID, a.ID); err != nil {
		t.Fatal(err)
	}
}
