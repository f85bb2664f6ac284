package federation

import (
	"context"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

// A visitor's proposal waits for a moderator: the publisher sends nothing
// of it, neither its text nor its proposer; once approved (through the
// store, the road the moderation page takes) it goes out like any event,
// and the proposer's contact never does.
func TestPendingProposalIsNotDelivered(t *testing.T) {
	ctx := context.Background()
	f, s, _, cal := goldenFixture(t)
	ev := goldenEvent(t, s, cal.ID, "Vide-grenier proposé")
	p := &model.Proposal{Name: "Jeanne Proposante", Contact: "jeanne.proposante@example.org", AddressKey: "192.0.2.7"}
	if err := s.ProposeEvent(ctx, ev, p); err != nil {
		t.Fatal(err)
	}
	acts, _, last := publishAndRead(t, f, s, 0)
	if len(acts) != 0 {
		t.Fatalf("a pending proposal was sent: %v", countTypes(acts))
	}
	if err := s.Moderate(ctx, ev.ID, model.ModerationApproved); err != nil {
		t.Fatal(err)
	}
	acts, _, _ = publishAndRead(t, f, s, last)
	if c := countTypes(acts); c["Create"] != 1 || c["Announce"] != 1 {
		t.Fatalf("after approval: %v", c)
	}
	checkMobilizon(t, acts)
	for _, a := range acts {
		b := string(mustJSON(t, a))
		if !strings.Contains(b, "Vide-grenier proposé") {
			t.Errorf("%v does not carry the event", a["type"])
		}
		if strings.Contains(b, "jeanne.proposante") || strings.Contains(b, "Jeanne Proposante") {
			t.Errorf("%v carries the proposer: %s", a["type"], b)
		}
	}
}
