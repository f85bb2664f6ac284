package web

import (
	"regexp"
	"testing"
	"time"
)

// French typography in every message of the catalogue (public pages, back
// office, proposal form): a no-break space, never a plain one, before
// : ; ? ! and », and after «.
func TestFrenchTypography(t *testing.T) {
	bad := regexp.MustCompile(`[ \t][:;?!»]|«[ \t]`)
	for k, m := range messages {
		if loc := bad.FindStringIndex(m.fr); loc != nil {
			t.Errorf("%s: plain space in %q", k, m.fr[max(0, loc[0]-20):min(len(m.fr), loc[1]+10)])
		}
	}
	for _, c := range []struct {
		h, m int
		want string
	}{{13, 0, "13\u00a0h"}, {9, 5, "9\u00a0h\u00a005"}} {
		if got := clock(langFR, time.Date(2026, 4, 6, c.h, c.m, 0, 0, time.UTC)); got != c.want {
			t.Errorf("clock %d:%02d = %q, want %q", c.h, c.m, got, c.want)
		}
	}
}
