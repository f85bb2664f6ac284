package web

import (
	"os"
	"testing"
)

func TestSmokeDump(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/", "/?view=month", "/?view=week", "/events/" + f.uuids["fete-musique"], "/@cine-agen", "/feeds/agenda.ics", "/feeds/agenda.rss", "/feeds/agenda.atom", "/api/events?limit=3", "/embed?style=detailed", "/events/" + f.uuids["rando-mardi"], "/events/" + f.uuids["hostile-local"], "/events/" + f.uuids["https://mobilizon.test/events/bal"]} {
		r := f.get(p)
		os.WriteFile("/tmp/webdump/"+sanitize(p), []byte(r.body), 0o644)
		t.Logf("%s %d %d", p, r.code, len(r.body))
	}
}

func sanitize(p string) string {
	b := []byte(p)
	for i, c := range b {
		if c == '/' || c == '?' || c == '&' || c == '=' {
			b[i] = '_'
		}
	}
	return string(b)
}
