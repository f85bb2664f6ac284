//go:build integration

package caldav_test

// Answers that litmus flagged (as a failure or a warning) and that are the
// server's to fix, pinned as plain requests so that the failing case is
// plain to see: each names the RFC text it follows.

import (
	"net/http"
	"testing"
)

func TestLitmusFindings(t *testing.T) {
	env := newRealEnv(t, nil)
	home := env.srv.URL + "/dav/calendars/alice/"
	cal := home + env.assoc.Slug + "." + env.cal.Slug + "/"
	for _, c := range []struct {
		name, method, url, ctype, body string
		want                           int
	}{
		// RFC 4918 §9.3: "If the server receives a MKCOL request entity type
		// it does not support or understand, it MUST respond with a 415".
		// litmus basic/mkcol_with_body (the body is checked before the place).
		{"MKCOL with a body of an unknown type, in the home", "MKCOL", home + "mkcolbody/", "xzy-foo/bar-512", "afafafaf", http.StatusUnsupportedMediaType},
		{"MKCOL with a body of an unknown type, in a calendar", "MKCOL", cal + "mkcolbody", "xzy-foo/bar-512", "afafafaf", http.StatusUnsupportedMediaType},
		// Namespaces in XML 1.0 §3: xmlns:bar="" is not a legal declaration;
		// the body is not well-formed XML with namespaces: 400. litmus
		// props/propfind_invalid2.
		{"PROPFIND declaring an empty prefix", "PROPFIND", cal, "application/xml",
			`<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><bar:foo xmlns:bar=""/></prop></propfind>`, http.StatusBadRequest},
		// RFC 4918 §9.3.1: 403 when "the server does not allow the creation
		// of collections at the given location"; calendars hold objects only
		// (RFC 4791 §4.2). Bastide already answers 403 without the trailing
		// slash, 404 with it.
		{"MKCOL of a collection inside a calendar", "MKCOL", cal + "coll/", "", "", http.StatusForbidden},
		// RFC 4918 §9.3.1 (MKCOL) and §9.7.1 (PUT): a missing intermediate
		// collection MUST give 409 Conflict. litmus basic/put_no_parent and
		// basic/mkcol_no_parent warn about the 404.
		{"MKCOL under a missing collection", "MKCOL", cal + "409me/noparent/", "", "", http.StatusConflict},
		{"PUT under a missing collection", "PUT", cal + "409me/noparent.ics", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", http.StatusConflict},
		{"PUT into a calendar that does not exist in one's own home", "PUT", home + "nocal/x.ics", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", http.StatusConflict},
		// RFC 4918 §9.2: PROPPATCH acts on an existing resource; an unmapped
		// URL is 404, not 403 cannot-modify-protected-property (litmus
		// props/propmanyns meets it after its PUT was refused).
		{"PROPPATCH of an object that does not exist", "PROPPATCH", cal + "nothere.ics", "application/xml",
			`<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:a xmlns:x="urn:x">1</x:a></D:prop></D:set></D:propertyupdate>`, http.StatusNotFound},
	} {
		hdr := map[string]string{"Depth": "0"}
		if c.ctype != "" {
			hdr["Content-Type"] = c.ctype
		}
		st, _, body := rawDAV(t, c.method, c.url, "alice", env.alicePass, hdr, c.body)
		if st != c.want {
			t.Errorf("%s: %s %s answered %d, want %d: %.300s", c.name, c.method, c.url[len(env.srv.URL):], st, c.want, body)
		}
	}
}
