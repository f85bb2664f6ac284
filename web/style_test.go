package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// contrast is the WCAG contrast ratio of two six-digit hex colours.
func contrast(a, b string) float64 { return contrastRatio(a, b) }

// The colour pairs the stylesheet uses for text meet WCAG AA (4.5:1).
func TestContrastAA(t *testing.T) {
	css := string(assets["style.css"].body)
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*#([0-9a-f]{6});`).FindAllStringSubmatch(css[:strings.Index(css, "}")], -1) {
		vars[m[1]] = m[2]
	}
	pairs := [][2]string{
		{"fg", "bg"}, {"fg", "card"}, {"muted", "bg"}, {"muted", "card"}, {"accent-dark", "card"}, {"accent-dark", "bg"},
		{"accent-dark", "accent-soft"}, {"accent", "card"},
	}
	for _, p := range pairs {
		a, b := vars[p[0]], vars[p[1]]
		if a == "" || b == "" {
			t.Fatalf("colour variable missing: %v in %v", p, vars)
		}
		if r := contrast(a, b); r < 4.5 {
			t.Errorf("%s on %s: contrast %.2f < 4.5", p[0], p[1], r)
		}
	}
	// White text on the header, buttons and cancellation badges.
	for _, v := range []string{"accent", "accent-dark", "cancel", "fg"} {
		if r := contrast("ffffff", vars[v]); r < 4.5 {
			t.Errorf("white on %s: contrast %.2f", v, r)
		}
	}
	// Muted text on the out-of-month cells.
	if r := contrast(vars["muted"], "f3eee6"); r < 4.5 {
		t.Errorf("muted on out-of-month cells: %.2f", r)
	}
}

func TestHead(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/", "/feeds/agenda.ics", "/api/events", "/healthz", "/events/" + f.uuids["fete-musique"]} {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, p, nil))
		if rec.Code != 200 {
			t.Errorf("HEAD %s: %d", p, rec.Code)
		}
	}
}
