package caldav

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
)

// failingReader reads objects from the real store and fails after n of
// them, as a disk or database error part-way would.
type failingReader struct {
	objectReader
	n int
}

var errInjected = errors.New("injected read failure")

func (f *failingReader) wrap(fn func(db.ObjectData) error) func(db.ObjectData) error {
	seen := 0
	return func(o db.ObjectData) error {
		if seen == f.n {
			return errInjected
		}
		seen++
		return fn(o)
	}
}

func (f *failingReader) EachObjectData(ctx context.Context, calID int64, ids []int64, component string, withData bool, fn func(db.ObjectData) error) error {
	return f.objectReader.EachObjectData(ctx, calID, ids, component, withData, f.wrap(fn))
}

func (f *failingReader) EachObjectByHref(ctx context.Context, calID int64, hrefs []string, withData bool, fn func(db.ObjectData) error) error {
	return f.objectReader.EachObjectByHref(ctx, calID, hrefs, withData, f.wrap(fn))
}

func syncWithData(tok string) string {
	return `<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:sync-token>` + tok +
		`</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/><C:calendar-data/></D:prop></D:sync-collection>`
}

// TestSyncAbortsOnReadError: a read error part-way through a
// sync-collection used to report the objects not yet written as deleted,
// with a new token; the answer now fails and hands out no token.
func TestSyncAbortsOnReadError(t *testing.T) {
	e := newEnv(t)
	sync := func(tok string) resp {
		return e.do("alice", "REPORT", amisMain, testdata(t, "sync.xml", "TOKEN", tok, "LIMIT", ""), "Depth", "1")
	}
	tok := syncToken_(t, sync("").must(t, 207, "initial").body)
	for _, n := range []string{"a", "b", "c"} {
		e.put("alice", amisMain+n+".ics", event(n, "20261205T140000Z", "20261205T150000Z", n)).must(t, 201, n)
	}
	h := e.h.(*handler)
	h.reader = &failingReader{objectReader: h.store, n: 1}
	for _, c := range []struct{ what, tok string }{{"delta", tok}, {"first sync", ""}} {
		r := sync(c.tok).must(t, http.StatusInternalServerError, c.what)
		r.lacks(t, c.what, "sync-token", "404 Not Found", "b.ics", "c.ics")
	}
	// Past the answer buffer the status is sent already: the connection
	// is cut instead.
	for _, n := range []string{"d", "e", "f", "g"} {
		e.put("alice", amisMain+n+".ics", bigDaily(n, 99000)).must(t, 201, n)
	}
	h.reader = &failingReader{objectReader: h.store, n: 6}
	req := httptest.NewRequest("REPORT", "http://bastide.test"+amisMain, strings.NewReader(syncWithData(tok)))
	req.SetBasicAuth("alice", passwords["alice"])
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("panic %v, want http.ErrAbortHandler", p)
			}
		}()
		e.h.ServeHTTP(rec, req)
	}()
	if body := rec.Body.String(); strings.Contains(body, "sync-token") || strings.Contains(body, "404 Not Found") {
		t.Errorf("cut answer has a token or a deletion:\n%.300s", body)
	}
	h.reader = h.store
	r := sync(tok).must(t, 207, "after the failure")
	r.has(t, "after the failure", "a.ics", "b.ics", "c.ics", "d.ics", "e.ics", "f.ics", "g.ics").lacks(t, "after the failure", "404 Not Found")
}

// TestSyncAnswerIsBounded: sync-collection answers stop at MaxAnswer with a
// 507 and a token from which the client gets the rest, first sync or not.
func TestSyncAnswerIsBounded(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxAnswer = 64 << 10 })
	body := syncWithData
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, n := range names {
		e.put("alice", amisMain+n+".ics", bigDaily(n, 20000)).must(t, 201, n)
	}
	href := regexp.MustCompile(`amis.main/([a-z]+)\.ics</D:href><D:propstat>`)
	// follow syncs from tok until an answer is not cut; edit, if set, runs
	// after the first page.
	follow := func(what, tok string, edit func()) (map[string]int, string) {
		seen := map[string]int{}
		for page := 0; page < 20; page++ {
			r := e.do("alice", "REPORT", amisMain, body(tok), "Depth", "1").must(t, 207, what)
			if len(r.body) > 64<<10 {
				t.Fatalf("%s: answer of %d bytes", what, len(r.body))
			}
			for _, m := range href.FindAllStringSubmatch(r.body, -1) {
				seen[m[1]]++
			}
			tok = syncToken_(t, r.body)
			if !strings.Contains(r.body, "507 Insufficient Storage") {
				return seen, tok
			}
			r.has(t, what, "<D:number-of-matches-within-limits/>")
			if page == 0 && edit != nil {
				edit()
			}
		}
		t.Fatalf("%s: no end", what)
		return nil, ""
	}
	// a is edited after the first page, which holds it: the edit comes
	// with the next sync.
	seen, tok := follow("first sync", "", func() {
		e.put("alice", amisMain+"a.ics", bigDaily("a", 20001)).must(t, 204, "edit a")
	})
	for _, n := range names {
		if seen[n] == 0 {
			t.Fatalf("first sync missed %s: %v", n, seen)
		}
	}
	seen, tok = follow("after the first sync", tok, nil)
	if seen["a"] != 1 {
		t.Errorf("edit of a during the first sync: seen %v", seen)
	}
	for _, n := range names {
		e.put("alice", amisMain+n+".ics", bigDaily(n, 20002)).must(t, 204, "edit "+n)
	}
	seen, _ = follow("delta", tok, nil)
	for _, n := range names {
		if seen[n] == 0 {
			t.Fatalf("delta missed %s: %v", n, seen)
		}
	}
}

// TestSyncObjectLargerThanTheAnswer: a token cannot move past an object
// that alone does not fit, so the sync is refused rather than given a
// token that claims it.
func TestSyncObjectLargerThanTheAnswer(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxAnswer = 64 << 10 })
	e.put("alice", amisMain+"a.ics", bigDaily("a", 20000)).must(t, 201, "a")
	expand := func(tok string) string {
		return `<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:sync-token>` + tok +
			`</D:sync-token><D:sync-level>1</D:sync-level><D:prop><C:calendar-data><C:expand start="20260101T000000Z" end="20270101T000000Z"/></C:calendar-data></D:prop></D:sync-collection>`
	}
	tok := syncToken_(t, e.do("alice", "REPORT", amisMain, syncWithData(""), "Depth", "1").must(t, 207, "plain").body)
	e.put("alice", amisMain+"a.ics", bigDaily("a", 20001)).must(t, 204, "edit a")
	for _, c := range []struct{ what, tok string }{{"first sync", ""}, {"delta", tok}} {
		e.do("alice", "REPORT", amisMain, expand(c.tok), "Depth", "1").must(t, 403, c.what).
			has(t, c.what, "<D:number-of-matches-within-limits/>", "sync without expand").lacks(t, c.what, "sync-token")
	}
}
