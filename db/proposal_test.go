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

func TestProposals(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "amis")

	// Closed by default; the setting opens and closes the form.
	if open, err := s.ProposalsOpen(ctx); err != nil || open {
		t.Fatalf("proposals open by default: %v %v", open, err)
	}
	if err := s.SetProposalsOpen(ctx, true); err != nil {
		t.Fatal(err)
	}
	if open, _ := s.ProposalsOpen(ctx); !open {
		t.Fatal("SetProposalsOpen(true) did not open")
	}
	if err := s.SetProposalsOpen(ctx, false); err != nil {
		t.Fatal(err)
	}
	if open, _ := s.ProposalsOpen(ctx); open {
		t.Fatal("SetProposalsOpen(false) did not close")
	}

	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	e := dbtest.Event(cal.ID, "proposal-1", start, "Vide-grenier")
	e.Moderation = model.ModerationApproved // a proposal is pending whatever it says
	p := &model.Proposal{Name: "Jeanne", Contact: "jeanne@example.org", AddressKey: "192.0.2.7"}
	seq, _ := s.LastSeq(ctx)
	if err := s.ProposeEvent(ctx, e, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetEvent(ctx, e.ID)
	if err != nil || got.Moderation != model.ModerationPending {
		t.Fatalf("proposed event: %v, moderation %q", err, got.Moderation)
	}
	if after, _ := s.LastSeq(ctx); after <= seq {
		t.Error("a proposal logged no change")
	}
	pub := db.InstanceQuery{From: start.Add(-time.Hour), To: start.Add(time.Hour), Public: true}
	if rows, _ := s.ListInstances(ctx, pub); len(rows) != 0 {
		t.Errorf("a pending proposal is public: %d rows", len(rows))
	}
	if pp, err := s.GetProposal(ctx, e.ID); err != nil || pp.Contact != "jeanne@example.org" || pp.Name != "Jeanne" {
		t.Errorf("proposal: %+v %v", pp, err)
	}
	if n, _ := s.CountProposalsSince(ctx, "192.0.2.7", time.Now().Add(-time.Hour)); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
	if n, _ := s.CountProposalsSince(ctx, "192.0.2.8", time.Now().Add(-time.Hour)); n != 0 {
		t.Errorf("another address counts %d", n)
	}

	// A second proposal at the same href is refused and saves nothing:
	// neither the event nor its proposer.
	dup := dbtest.Event(cal.ID, "proposal-1", start, "Autre")
	if err := s.ProposeEvent(ctx, dup, &model.Proposal{Name: "X", Contact: "x@example.org", AddressKey: "192.0.2.9"}); err == nil {
		t.Fatal("a proposal overwrote an event")
	}
	if n, _ := s.CountProposalsSince(ctx, "192.0.2.9", time.Time{}); n != 0 {
		t.Errorf("a refused proposal left its proposer: %d", n)
	}

	// A calendar app's PUT of the proposal (which says nothing of
	// moderation) edits it but does not approve it.
	edit := dbtest.Event(cal.ID, "proposal-1", start, "Vide-grenier (modifié)")
	if _, err := s.PutEvent(ctx, db.Put{Event: edit, IfMatch: got.ETag}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetEvent(ctx, e.ID); got.Moderation != model.ModerationPending || got.Summary != "Vide-grenier (modifié)" {
		t.Errorf("after an app's edit: moderation %q, summary %q", got.Moderation, got.Summary)
	}
	if rows, _ := s.ListInstances(ctx, pub); len(rows) != 0 {
		t.Errorf("an app's edit published a pending proposal")
	}

	// Approval publishes it, through the change log.
	seq, _ = s.LastSeq(ctx)
	if err := s.Moderate(ctx, e.ID, model.ModerationApproved); err != nil {
		t.Fatal(err)
	}
	if rows, _ := s.ListInstances(ctx, pub); len(rows) != 1 {
		t.Errorf("an approved proposal is not public: %d rows", len(rows))
	}
	changes, _ := s.ChangesAfter(ctx, seq, 10)
	if len(changes) != 1 || changes[0].Kind != model.ChangePut {
		t.Errorf("approval changes: %+v", changes)
	}
	seq, _ = s.LastSeq(ctx)
	if err := s.Moderate(ctx, e.ID, model.ModerationApproved); !errors.Is(err, db.ErrPrecondition) {
		t.Fatalf("approving an approved event: %v, want ErrPrecondition", err)
	}
	if after, _ := s.LastSeq(ctx); after != seq {
		t.Error("approving an approved event logged a change")
	}
	if err := s.Moderate(ctx, 99999, model.ModerationApproved); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("approve a missing event: %v", err)
	}

	// Deleting the event forgets its proposer.
	if _, err := s.DeleteEvent(ctx, cal.ID, e.Href, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetProposal(ctx, e.ID); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("the proposer outlived the event: %v", err)
	}
}
