package main

import (
	"context"
	"errors"
	"testing"

	"github.com/bastide47/bastide/db"
)

// TestAdminCommands: the commands have the admin pages' powers (member
// list, user disable/enable/remove, association edit, calendar add and
// remove); refusals change nothing.
func TestAdminCommands(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "password-of-alice\n", "user", "add", "alice").must(t, 0)
	cli(t, data, "password-of-bruno\n", "user", "add", "bruno").must(t, 0)
	cli(t, data, "", "association", "add", "amis", "--name", "Les Amis de Nérac").must(t, 0)
	cli(t, data, "", "member", "list", "amis").must(t, 0, "amis has no members yet")
	cli(t, data, "", "member", "add", "amis", "alice", "--role", "owner").must(t, 0)
	cli(t, data, "", "member", "add", "amis", "bruno", "--role", "viewer").must(t, 0)

	before := state(t, data)
	cli(t, data, "", "member", "list", "nowhere").must(t, 1, `no association "nowhere"`)
	cli(t, data, "", "user", "disable", "zoe").must(t, 1, `no user "zoe"`)
	cli(t, data, "", "user", "remove", "zoe").must(t, 1, `no user "zoe"`)
	cli(t, data, "", "association", "edit", "amis").must(t, 2, "say what to change")
	cli(t, data, "", "association", "edit", "amis", "--name", "").must(t, 2, "--name cannot be empty")
	cli(t, data, "", "association", "edit", "amis", "--website", "ftp://x").must(t, 1, "website")
	cli(t, data, "", "association", "edit", "amis", "--commune", "Atlantis").must(t, 2, `--commune "Atlantis"`)
	cli(t, data, "", "calendar", "add", "amis", "bureau").must(t, 2, "--name is required")
	cli(t, data, "", "calendar", "add", "amis", "Bureau!", "--name", "Bureau").must(t, 1, "slug")
	cli(t, data, "", "calendar", "add", "amis", "bureau", "--name", "Bureau", "--public", "maybe").must(t, 2, `--public takes yes or no`)
	cli(t, data, "", "calendar", "add", "amis", "agenda", "--name", "Again").must(t, 1, `amis already has a calendar "agenda"`)
	cli(t, data, "", "calendar", "remove", "amis", "nope").must(t, 1, `amis has no calendar "nope"`)
	if after := state(t, data); after != before {
		t.Fatalf("refused commands changed the database:\nbefore %s\nafter %s", before, after)
	}

	cli(t, data, "", "member", "list", "amis").must(t, 0, "alice", "owner", "bruno", "viewer")

	s := openStore(t, data)
	ctx := context.Background()
	cli(t, data, "", "user", "disable", "bruno").must(t, 0, "bruno is disabled")
	if _, err := s.CheckUserPassword(ctx, "bruno", "password-of-bruno"); err == nil {
		t.Fatal("a disabled account's password still works")
	}
	cli(t, data, "", "user", "enable", "bruno").must(t, 0, "bruno is enabled again")
	if _, err := s.CheckUserPassword(ctx, "bruno", "password-of-bruno"); err != nil {
		t.Fatalf("enabled account: %v", err)
	}
	cli(t, data, "", "user", "remove", "bruno").must(t, 0, "Deleted the account bruno")
	if _, err := s.GetUserByUsername(ctx, "bruno"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("bruno after remove: %v", err)
	}
	cli(t, data, "", "member", "list", "amis").must(t, 0, "alice")

	cli(t, data, "", "association", "edit", "amis", "--name", "Les Amis du Vieux Nérac", "--commune", "nerac",
		"--website", "https://amis.example.org").must(t, 0, "Saved association amis (Les Amis du Vieux Nérac)")
	a, err := s.GetAssociationBySlug(ctx, "amis")
	if err != nil || a.Name != "Les Amis du Vieux Nérac" || a.CommuneINSEE != "47195" || a.Website != "https://amis.example.org" {
		t.Fatalf("association after edit: %+v %v", a, err)
	}
	cli(t, data, "", "association", "edit", "amis", "--website", "").must(t, 0)
	if a, _ := s.GetAssociationBySlug(ctx, "amis"); a.Website != "" || a.Name != "Les Amis du Vieux Nérac" {
		t.Fatalf("clearing the website changed %+v", a)
	}

	cli(t, data, "", "calendar", "add", "amis", "bureau", "--name", "Bureau", "--public", "no").
		must(t, 0, "Added the private calendar bureau (Bureau) to amis")
	cal, err := s.GetAssociationCalendar(ctx, a.ID, "bureau")
	if err != nil || cal.Public {
		t.Fatalf("new calendar: %+v %v", cal, err)
	}
	cli(t, data, "", "calendar", "list", "amis").must(t, 0, "bureau", "private", "agenda")
	cli(t, data, "", "calendar", "remove", "amis", "bureau").must(t, 0, "Deleted the calendar bureau of amis")
	if _, err := s.GetAssociationCalendar(ctx, a.ID, "bureau"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("calendar after remove: %v", err)
	}
}

// The commands keep an association's last owner as the pages do: they
// can neither remove nor demote them, nor delete their account, and a
// refusal names what to do and changes nothing.
func TestLastOwnerCommands(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "password-of-alice\n", "user", "add", "alice").must(t, 0)
	cli(t, data, "password-of-bruno\n", "user", "add", "bruno").must(t, 0)
	cli(t, data, "", "association", "add", "amis", "--name", "Les Amis").must(t, 0)
	cli(t, data, "", "member", "add", "amis", "alice", "--role", "owner").must(t, 0)
	before := state(t, data)
	cli(t, data, "", "member", "remove", "amis", "alice").must(t, 1, "alice is the last owner of amis", "make someone else owner first")
	cli(t, data, "", "member", "add", "amis", "alice", "--role", "editor").must(t, 1, "alice is the last owner of amis")
	cli(t, data, "", "user", "remove", "alice").must(t, 1, "alice is the last owner of amis", "remove the association")
	if after := state(t, data); after != before {
		t.Fatalf("refused commands changed the database:\nbefore %s\nafter %s", before, after)
	}
	cli(t, data, "", "member", "add", "amis", "bruno", "--role", "owner").must(t, 0)
	cli(t, data, "", "member", "add", "amis", "alice", "--role", "editor").must(t, 0, "alice is now editor of amis (was owner)")
	cli(t, data, "", "user", "remove", "alice").must(t, 0, "Deleted the account alice")
}

// association archive, unarchive and remove: the store's roads, the
// pages' powers; remove without --yes only says what would go.
func TestAssociationLifeCommands(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "password-of-alice\n", "user", "add", "alice").must(t, 0)
	cli(t, data, "", "association", "add", "amis", "--name", "Les Amis").must(t, 0)
	cli(t, data, "", "member", "add", "amis", "alice", "--role", "owner").must(t, 0)
	cli(t, data, "", "calendar", "add", "amis", "bureau", "--name", "Bureau").must(t, 0)
	s := openStore(t, data)
	ctx := context.Background()

	cli(t, data, "", "association", "archive", "amis").must(t, 0, "Archived amis")
	a, err := s.GetAssociationBySlug(ctx, "amis")
	if err != nil || !a.Withdrawn() {
		t.Fatalf("amis after archive: %+v %v", a, err)
	}
	cli(t, data, "", "association", "archive", "amis").must(t, 0, "already archived")
	cli(t, data, "", "association", "list").must(t, 0, "STATE", "archived")
	cli(t, data, "", "calendar", "remove", "amis", "bureau").must(t, 1, "amis is archived: its calendars are read-only")
	cli(t, data, "", "association", "unarchive", "amis").must(t, 0, "amis is back")
	if a, _ := s.GetAssociationBySlug(ctx, "amis"); a.Withdrawn() {
		t.Fatal("amis is still archived")
	}
	cli(t, data, "", "association", "unarchive", "amis").must(t, 0, "not archived")

	before := state(t, data)
	cli(t, data, "", "association", "remove", "amis").must(t, 0, "would delete", "2 calendars", "1 memberships", "Nothing changed", "--yes")
	cli(t, data, "", "association", "remove", "nowhere", "--yes").must(t, 1, `no association "nowhere"`)
	if after := state(t, data); after != before {
		t.Fatalf("remove without --yes changed the database:\nbefore %s\nafter %s", before, after)
	}
	// Nobody on the fediverse knows amis: it goes at once, its owner's
	// account stays.
	cli(t, data, "", "association", "remove", "amis", "--yes").must(t, 0, "Deleted amis")
	if _, err := s.GetAssociationBySlug(ctx, "amis"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("amis after remove: %v", err)
	}
	cli(t, data, "", "user", "remove", "alice").must(t, 0)
}
