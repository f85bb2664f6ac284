package web

import (
	"strings"
	"testing"
)

// Every page a visitor can reach links to the source code of the instance
// (AGPL-3.0 §13): the agenda, an association, an event, the widget, the
// back office's sign-in, an error page.
func TestEveryPageLinksToTheSource(t *testing.T) {
	f := newFixture(t)
	var event string
	for _, u := range f.uuids {
		event = u
		break
	}
	link := `href="` + DefaultSourceURL + `"`
	for _, p := range []string{"/", "/?lang=en", "/@cine-agen", "/events/" + event, "/embed", "/admin/login", "/no-such-page"} {
		r := f.get(p)
		if !strings.Contains(r.body, link) {
			t.Errorf("%s (%d) does not link to the source code %s", p, r.code, DefaultSourceURL)
		}
	}
}
