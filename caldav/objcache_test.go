package caldav

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// mgResult is what a multiget answered for one href: its ETag and data, or
// its status when not found.
type mgResult struct {
	etag, data string
	status     string
}

// multigetOf sends a calendar-multiget of names as alice and decodes it.
func (e *env) multigetOf(names ...string) map[string]mgResult {
	e.t.Helper()
	hrefs := make([]string, len(names))
	for i, n := range names {
		hrefs[i] = amisMain + n
	}
	r := e.do("alice", "REPORT", amisMain, testdata(e.t, "multiget.xml", "HREFS", multigetBody(hrefs...)), "Depth", "1").must(e.t, 207, "multiget")
	var ms struct {
		Responses []struct {
			Href     string `xml:"href"`
			Status   string `xml:"status"`
			PropStat []struct {
				ETag string `xml:"prop>getetag"`
				Data string `xml:"prop>calendar-data"`
			} `xml:"propstat"`
		} `xml:"response"`
	}
	if err := xml.Unmarshal([]byte(r.body), &ms); err != nil {
		e.t.Fatalf("multiget answer: %v\n%s", err, r.body)
	}
	out := map[string]mgResult{}
	for _, resp := range ms.Responses {
		n := strings.TrimPrefix(resp.Href, amisMain)
		res := mgResult{status: resp.Status}
		if len(resp.PropStat) > 0 {
			res.etag, res.data = resp.PropStat[0].ETag, resp.PropStat[0].Data
		}
		out[n] = res
	}
	if len(out) != len(names) {
		e.t.Fatalf("multiget of %d names answered %d:\n%s", len(names), len(out), r.body)
	}
	return out
}

// storedObject reads an object straight from the store.
func (e *env) storedObject(name string) (etag, data string, ok bool) {
	e.t.Helper()
	err := e.store.EachObjectByHref(context.Background(), e.amisCal.ID, []string{name}, true, func(o db.ObjectData) error {
		etag, data, ok = o.ETag, o.Data, true
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return etag, data, ok
}

// checkAgainstStore asserts that a multiget and a GET give exactly what
// the store holds, for every name.
func (e *env) checkAgainstStore(what string, names ...string) {
	e.t.Helper()
	got := e.multigetOf(names...)
	for _, n := range names {
		etag, data, ok := e.storedObject(n)
		g := got[n]
		r := e.do("alice", "GET", amisMain+n, "")
		if !ok {
			if !strings.Contains(g.status, "404") {
				e.t.Fatalf("%s: %s is gone from the store but the multiget gave %+v", what, n, g)
			}
			if r.code != 404 {
				e.t.Fatalf("%s: %s is gone from the store but GET answered %d", what, n, r.code)
			}
			continue
		}
		if g.etag != etag || g.data != data {
			e.t.Fatalf("%s: %s: multiget gave ETag %s and\n%s\nthe store holds %s and\n%s", what, n, g.etag, g.data, etag, data)
		}
		if r.code != 200 || r.header.Get("ETag") != etag || r.body != data {
			e.t.Fatalf("%s: %s: GET gave %d, ETag %s and\n%s\nthe store holds %s and\n%s", what, n, r.code, r.header.Get("ETag"), r.body, etag, data)
		}
	}
}

// storeEvent writes an object through a store, not through the handler.
func storeEvent(t testing.TB, s *db.Store, calID int64, name, summary string) {
	t.Helper()
	obj, err := ical.ParseObject([]byte(event(strings.TrimSuffix(name, ".ics"), "20261210T100000Z", "20261210T110000Z", summary)), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := obj.Event(fixedNow, ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	ev.CalendarID, ev.Href = calID, name
	if _, err := s.PutEvent(context.Background(), db.Put{Event: ev}); err != nil {
		t.Error(err)
	}
}

// The cache never answers with an object older than the store, whoever
// wrote: this handler, the store directly (as the import command does),
// or another process on the same database file.
func TestObjectCacheFollowsEveryWriter(t *testing.T) {
	e := newEnv(t)
	names := []string{"a.ics", "b.ics", "c.ics"}
	for _, n := range names {
		e.put("alice", amisMain+n, event(strings.TrimSuffix(n, ".ics"), "20261210T100000Z", "20261210T110000Z", "v1 "+n)).must(t, 201, "put")
	}
	e.checkAgainstStore("after the PUTs", names...)
	e.checkAgainstStore("a second time, from the cache", names...)

	// Through the handler: an update and a deletion.
	e.put("bob", calPath("bob", "amis.main")+"a.ics", event("a", "20261210T100000Z", "20261210T110000Z", "v2 by bob")).must(t, 204, "update")
	e.do("alice", "DELETE", amisMain+"b.ics", "").must(t, 204, "delete")
	got := e.multigetOf(names...)
	if !strings.Contains(got["a.ics"].data, "v2 by bob") || !strings.Contains(got["b.ics"].status, "404") {
		t.Fatalf("after update and delete: %+v", got)
	}
	e.checkAgainstStore("after update and delete", names...)

	// The store directly, as the import command does.
	storeEvent(t, e.store, e.amisCal.ID, "c.ics", "v3 imported")
	e.checkAgainstStore("after a write of the store", names...)

	// Another process: a second store on the same file.
	other, err := db.Open(context.Background(), e.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	storeEvent(t, other, e.amisCal.ID, "a.ics", "v4 from another process")
	if _, err := other.DeleteEvent(context.Background(), e.amisCal.ID, "c.ics", ""); err != nil {
		t.Fatal(err)
	}
	storeEvent(t, other, e.amisCal.ID, "b.ics", "v4 back again")
	got = e.multigetOf(names...)
	if !strings.Contains(got["a.ics"].data, "v4 from another process") || !strings.Contains(got["c.ics"].status, "404") ||
		!strings.Contains(got["b.ics"].data, "v4 back again") {
		t.Fatalf("after another process wrote: %+v", got)
	}
	e.checkAgainstStore("after another process wrote", names...)
}

// A calendar deleted and made again, even under the same id, starts with
// nothing cached.
func TestObjectCacheForgetsDeletedCalendars(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"x.ics", event("x", "20261210T100000Z", "20261210T110000Z", "old calendar")).must(t, 201, "put")
	e.multigetOf("x.ics")
	ctx := context.Background()
	if err := e.store.DeleteCalendar(ctx, e.amisCal.ID); err != nil {
		t.Fatal(err)
	}
	c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: e.amis.ID, Slug: "main", Name: "Agenda",
		Components: []string{"VEVENT", "VTODO"}}
	if err := e.store.CreateCalendar(ctx, c); err != nil {
		t.Fatal(err)
	}
	e.amisCal = c
	if got := e.multigetOf("x.ics"); !strings.Contains(got["x.ics"].status, "404") {
		t.Fatalf("a new calendar answered the old one's object: %+v", got)
	}
}

// A calendar created at the address of one just deleted, in the same
// second, answers nothing of the old one: neither while it is empty nor
// after its first write.
func TestObjectCacheNamesakeInTheSameSecond(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	autre := calPath("carol", "autre.main")
	e.put("carol", autre+"old.ics", event("old", "20261210T100000Z", "20261210T110000Z", "old calendar")).must(t, 201, "put")
	multiget := func() string {
		return e.do("carol", "REPORT", autre, testdata(t, "multiget.xml", "HREFS", multigetBody(autre+"old.ics")), "Depth", "1").
			must(t, 207, "multiget").body
	}
	if !strings.Contains(multiget(), "UID:old") {
		t.Fatal("the object is not there to begin with")
	}
	old := e.autreCal
	if err := e.store.DeleteCalendar(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: e.autre.ID, Slug: "main", Name: "Agenda",
		Components: []string{"VEVENT"}, CreatedAt: old.CreatedAt}
	if err := e.store.CreateCalendar(ctx, c); err != nil {
		t.Fatal(err)
	}
	// The store never gives an id twice (db's retired_ids): the new
	// calendar is another key of the cache.
	if c.ID == old.ID {
		t.Fatalf("the new calendar got the deleted one's id %d", c.ID)
	}
	if body := multiget(); strings.Contains(body, "UID:old") {
		t.Fatalf("the empty new calendar answered the old object:\n%s", body)
	}
	e.put("carol", autre+"new.ics", event("new", "20261210T100000Z", "20261210T110000Z", "new calendar")).must(t, 201, "put")
	if body := multiget(); strings.Contains(body, "UID:old") {
		t.Fatalf("after a write the new calendar answered the old object:\n%s", body)
	}
}

// The cache stays within its bound, and answers stay right when objects
// leave it.
func TestObjectCacheBound(t *testing.T) {
	const max = 16 << 10
	e := newEnv(t, func(o *Options) { o.ObjectCache = max })
	var names []string
	for i := 0; i < 60; i++ {
		n := fmt.Sprintf("o%02d.ics", i)
		names = append(names, n)
		e.put("alice", amisMain+n, event(fmt.Sprintf("o%02d", i), "20261210T100000Z", "20261210T110000Z", strings.Repeat("long summary ", 20))).must(t, 201, "put")
	}
	e.checkAgainstStore("bounded", names...)
	e.checkAgainstStore("bounded, again", names...)
	oc := e.h.(*handler).objects
	oc.mu.Lock()
	size, held := oc.size, 0
	for _, p := range oc.cals {
		held += len(p.objs)
	}
	oc.mu.Unlock()
	if size > max || size <= 0 {
		t.Fatalf("cache holds %d bytes, bound %d", size, max)
	}
	if held == 0 || held >= len(names) {
		t.Fatalf("cache holds %d of %d objects: the bound should keep some and drop others", held, len(names))
	}
}

// Writers and readers at once: every multiget answer is one the store held
// (ETag and data agree), and once the writers stop, the cache agrees with
// the store.
func TestObjectCacheUnderConcurrentWrites(t *testing.T) {
	e := newEnv(t)
	var names []string
	for i := 0; i < 8; i++ {
		n := fmt.Sprintf("w%d.ics", i)
		names = append(names, n)
		e.put("alice", amisMain+n, event(fmt.Sprintf("w%d", i), "20261210T100000Z", "20261210T110000Z", "v0")).must(t, 201, "put")
	}
	other, err := db.Open(context.Background(), e.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := 0; k < 15; k++ {
				n := names[(w*5+k)%len(names)]
				summary := fmt.Sprintf("writer %d round %d", w, k)
				if w == 2 {
					storeEvent(t, other, e.amisCal.ID, n, summary)
					continue
				}
				r := e.put("bob", calPath("bob", "amis.main")+n, event(strings.TrimSuffix(n, ".ics"), "20261210T100000Z", "20261210T110000Z", summary))
				if r.code != 204 {
					t.Errorf("update %s: %d", n, r.code)
				}
			}
		}(w)
	}
	for k := 0; k < 30; k++ {
		for n, g := range e.multigetOf(names...) {
			// The ETag names the data it came with.
			if want := db.ETagOf(g.data); g.etag != want {
				t.Fatalf("%s: ETag %s with data of ETag %s", n, g.etag, want)
			}
		}
	}
	wg.Wait()
	e.checkAgainstStore("after the writers", names...)
}

// Answers from the cache are byte for byte those written without it.
func TestObjectCacheSameBytes(t *testing.T) {
	names := []string{"plain.ics", "a b&c.ics", "é<>.ics", "quote\".ics"}
	summaries := []string{"Réunion R&D <salle 2>", "a\\, b", "\"quoted\"", "x"}
	answers := map[string][]string{}
	for _, mode := range []string{"cache", "nocache"} {
		e := newEnv(t, func(o *Options) {
			if mode == "nocache" {
				o.ObjectCache = -1
			}
		})
		var hrefs []string
		for i, n := range names {
			path := amisMain + url.PathEscape(n)
			e.put("alice", path, event(fmt.Sprintf("same-%d", i), "20261210T100000Z", "20261210T110000Z", summaries[i])).must(t, 201, "put "+n)
			hrefs = append(hrefs, path)
		}
		hrefElems := ""
		for _, h := range hrefs {
			hrefElems += "<D:href>" + escapeXML(h) + "</D:href>"
		}
		for _, props := range []string{"<D:getetag/><C:calendar-data/>", "<C:calendar-data/><D:getetag/>", "<D:getetag/>",
			"<D:getetag/><C:calendar-data/><D:getcontenttype/>"} {
			body := `<?xml version="1.0" encoding="utf-8"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>` +
				props + `</D:prop>` + hrefElems + `</C:calendar-multiget>`
			// twice: the second answer comes from the cache when on
			for k := 0; k < 2; k++ {
				r := e.do("alice", "REPORT", amisMain, body, "Depth", "1").must(t, 207, "multiget "+props)
				answers[mode] = append(answers[mode], r.body)
			}
		}
		// GET and HEAD, whole and conditional, from the cache when on
		// (written through by the PUT, then read back).
		// The two stores are written at different moments: Last-Modified
		// must be each store's own updated_at, and only that value may
		// differ between the two answers.
		for i, h := range hrefs {
			var updated time.Time
			err := e.store.EachObjectByHref(context.Background(), e.amisCal.ID, []string{names[i]}, false, func(o db.ObjectData) error {
				updated = o.Updated
				return nil
			})
			if err != nil || updated.IsZero() {
				t.Fatalf("%s: %s is not in the store (%v)", mode, names[i], err)
			}
			for _, m := range []string{"GET", "HEAD"} {
				r := e.do("alice", m, h, "")
				etag := r.header.Get("ETag")
				lastMod := r.header.Get("Last-Modified")
				if want := updated.UTC().Format(http.TimeFormat); lastMod != want {
					t.Fatalf("%s: %s %s: Last-Modified %q, the store's updated_at is %q", mode, m, h, lastMod, want)
				}
				cond := e.do("alice", m, h, "", "If-None-Match", etag)
				answers[mode+" get"] = append(answers[mode+" get"], fmt.Sprintf("%s %s: %d %q Last-Modified=updated_at %q %q %q; If-None-Match: %d",
					m, h, r.code, etag, r.header.Get("Content-Type"), r.header.Get("Content-Length"),
					r.body, cond.code))
			}
		}
	}
	if c, n := answers["cache get"], answers["nocache get"]; len(c) != len(names)*2 || strings.Join(c, "\n") != strings.Join(n, "\n") {
		t.Fatalf("GET answers differ:\nwith the cache:\n%s\nwithout:\n%s", strings.Join(c, "\n"), strings.Join(n, "\n"))
	}
	for _, a := range answers["cache get"] {
		if !strings.Contains(a, ": 200 ") || !strings.Contains(a, "If-None-Match: 304") {
			t.Fatalf("GET answer: %s", a)
		}
	}
	if len(answers["cache"]) != len(answers["nocache"]) {
		t.Fatal("not as many answers")
	}
	// The order of responses is free (the cache answers in the order of
	// the request, the store in its own): compare them sorted.
	sorted := func(body string) string {
		body = strings.TrimSuffix(strings.TrimSpace(body), "</D:multistatus>")
		parts := strings.Split(body, "<D:response>")
		sort.Strings(parts[1:])
		return strings.Join(parts, "<D:response>")
	}
	for i := range answers["cache"] {
		if sorted(answers["cache"][i]) != sorted(answers["nocache"][i]) {
			t.Fatalf("answer %d differs:\nwith the cache:\n%s\nwithout:\n%s", i, answers["cache"][i], answers["nocache"][i])
		}
	}
}

// A calendar deleted through CalDAV leaves the cache at once.
func TestObjectCacheDropsCalendarDeletedByApp(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"x.ics", event("x", "20261210T100000Z", "20261210T110000Z", "to go")).must(t, 201, "put")
	e.multigetOf("x.ics")
	oc := e.h.(*handler).objects
	held := func() bool {
		oc.mu.Lock()
		defer oc.mu.Unlock()
		_, ok := oc.cals[e.amisCal.ID]
		return ok
	}
	if !held() {
		t.Fatal("the calendar was not cached to begin with")
	}
	e.do("alice", "DELETE", amisMain, "").must(t, 204, "delete calendar")
	if held() {
		t.Fatal("the deleted calendar's objects are still cached")
	}
}

// Once the change log is pruned past where the cache stands, the changes
// it would follow are gone: it starts afresh rather than keep an object
// whose change it can no longer see.
func TestObjectCacheAfterPruning(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	names := []string{"a.ics", "b.ics"}
	for _, n := range names {
		e.put("alice", amisMain+n, event(strings.TrimSuffix(n, ".ics"), "20261210T100000Z", "20261210T110000Z", "v1 "+n)).must(t, 201, "put")
	}
	e.checkAgainstStore("cached", names...)
	storeEvent(t, e.store, e.amisCal.ID, "a.ics", "v2 a")
	storeEvent(t, e.store, e.amisCal.ID, "b.ics", "v2 b")
	if _, err := e.store.Writer().ExecContext(ctx, `UPDATE changes SET at = '2020-01-01T00:00:00Z'`); err != nil {
		t.Fatal(err)
	}
	last, _ := e.store.LastSeq(ctx)
	if err := e.store.SetMeta(ctx, db.MetaPublisherSeq, fmt.Sprint(last)); err != nil {
		t.Fatal(err)
	}
	if n, err := e.store.PruneChanges(ctx, time.Now()); err != nil || n == 0 {
		t.Fatalf("prune: %d %v", n, err)
	}
	e.checkAgainstStore("after the log was pruned", names...)
}
