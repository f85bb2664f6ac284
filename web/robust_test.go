package web

import (
	"strings"
	"testing"
)

// Odd and oversized queries give a page or a 400, never a 500.
func TestOddQueries(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("fête ", 4000)
	many := strings.Repeat("association=a&", 200)
	queries := []string{
		"q=" + urlQueryEscape(long), many, "commune=%00", "commune=" + strings.Repeat("4", 300),
		"from=9999-12-31", "to=0001-01-01", "from=0001-01-01&to=9999-12-31", "after=zzzzzzzzzzzzzz.zzzzzzzzzzzz",
		"after=-1.-1", "after=1.%2D1", "q=%22%2A%28%29+OR+NEAR", "q=AND+OR+NOT", "q=%E2%80%8B", "q=%FF%FE",
		"category=%3Cscript%3E", "view=month&month=0000-00", "view=month&month=9999-12", "view=week&week=0001-01-01",
		"lang=xx", "lang=en&lang=fr", "n=999999999999999999999", "limit=-1", "limit=1e9",
	}
	for _, q := range queries {
		for _, p := range []string{"/", "/feeds/agenda.ics", "/feeds/agenda.rss", "/feeds/agenda.atom", "/api/events", "/embed"} {
			r := f.get(p + "?" + q)
			if r.code != 200 && r.code != 400 {
				t.Errorf("%s?%s: %d", p, q[:min(len(q), 60)], r.code)
			}
		}
	}
}
