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

// The credentials epoch moves with every change that must void a cached
// login, and not when an app password is merely used.
func TestCredentialsEpoch(t *testing.T) {
	s := dbtest.New(t)
	ctx := context.Background()
	u := &model.User{Username: "alice", PasswordHash: "h1"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	ap := &model.AppPassword{UserID: u.ID, Name: "phone", Hash: "x"}
	if err := s.AddAppPassword(ctx, ap); err != nil {
		t.Fatal(err)
	}
	epoch := func() int64 {
		n, err := s.CredentialsEpoch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	last := epoch()
	step := func(what string, moves bool, f func() error) {
		t.Helper()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		now := epoch()
		if (now != last) != moves {
			t.Fatalf("%s: epoch %d -> %d, moves=%v expected", what, last, now, moves)
		}
		last = now
	}
	step("touch", false, func() error { return s.TouchAppPassword(ctx, ap.ID) })
	step("display name", false, func() error { u.DisplayName = "Alice"; return s.UpdateUser(ctx, u) })
	step("password", true, func() error { return s.SetUserPassword(ctx, u.ID, "h2") })
	step("revoke", true, func() error { return s.RevokeAppPassword(ctx, u.ID, "phone") })
	step("disable", true, func() error { return s.SetUserDisabled(ctx, u.ID, true) })
	step("enable", true, func() error { return s.SetUserDisabled(ctx, u.ID, false) })
}

func TestAcceptInvitationIsAllOrNothing(t *testing.T) {
	s := dbtest.New(t)
	ctx := context.Background()
	now := time.Now().UTC()
	a := &model.Association{Slug: "amis", Name: "Amis"}
	if err := s.CreateAssociation(ctx, a); err != nil {
		t.Fatal(err)
	}
	taken := &model.User{Username: "taken"}
	if err := s.CreateUser(ctx, taken); err != nil {
		t.Fatal(err)
	}
	tok, err := s.CreateAccountLink(ctx, &model.AccountLink{Kind: model.LinkInvite, AssociationID: a.ID, Role: model.RoleViewer, ExpiresAt: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// A taken username: nothing saved, the link still usable.
	if _, err := s.AcceptInvitation(ctx, tok, now, &model.User{Username: "taken", PasswordHash: "h"}); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("taken username: %v", err)
	}
	if ms, _ := s.ListMembers(ctx, a.ID); len(ms) != 0 {
		t.Fatalf("memberships after a failed accept: %v", ms)
	}
	u := &model.User{Username: "new", PasswordHash: "h"}
	if _, err := s.AcceptInvitation(ctx, tok, now, u); err != nil {
		t.Fatal(err)
	}
	if r, err := s.GetRole(ctx, u.ID, a.ID); err != nil || r != model.RoleViewer {
		t.Fatalf("role %q %v", r, err)
	}
	if _, err := s.AcceptInvitation(ctx, tok, now, &model.User{Username: "again", PasswordHash: "h"}); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("second use: %v", err)
	}
	// Only the hash is kept: the token itself is not in the table.
	var n int
	if err := s.Reader().QueryRow(`SELECT count(*) FROM account_links WHERE token_hash = ?`, tok).Scan(&n); err != nil || n != 0 {
		t.Fatalf("token stored in clear: %d %v", n, err)
	}
}
