package form

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestProposalContact(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"jeanne@example.org", true},
		{"+33 6 12 34 56 78", true},
		{"06.12.34.56.78", true},
		{"05-53-00-00-00", true},
		{"Jeanne <jeanne@example.org>", false}, // a bare address only
		{"jeanne@", false},
		{"12 34", false},
		{"0612345678901234", false},
		{"06 12 34 56 7+8", false},
		{"", false},
		{strings.Repeat("a", 250) + "@x.fr", false},
	} {
		if got := validContact(c.in); got != c.ok {
			t.Errorf("validContact(%q) = %v, want %v", c.in, got, c.ok)
		}
	}
}

func TestProposalDescriptionCleaned(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	f := NewProposal(url.Values{"association": {"a"}, "title": {"Bal"}, "date": {"2026-05-10"}, "start": {"20:00"},
		"place": {"Halle"}, "commune": {"47001"}, "name": {"J"}, "contact": {"j@example.org"},
		"description": {"  Ligne 1\r\nLigne\x00 2\x1b\rFin  "}})
	if errs := f.Validate(time.Date(2026, 4, 6, 8, 0, 0, 0, time.UTC), paris); len(errs) != 0 {
		t.Fatalf("errors %v", errs)
	}
	if f.Description != "Ligne 1\nLigne 2\nFin" {
		t.Errorf("description %q", f.Description)
	}
	if f.Spam || !f.StartTime.Equal(time.Date(2026, 5, 10, 20, 0, 0, 0, paris)) || !f.EndTime.IsZero() {
		t.Errorf("spam %v start %v end %v", f.Spam, f.StartTime, f.EndTime)
	}
}
