package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The operations measured on every server, in this order.
var opNames = []string{"PUT", "GET", "PROPFIND Depth 1", "calendar-query month", "calendar-multiget 100", "sync-collection 10"}

// result is the measurement of one operation on one server.
type result struct {
	times []time.Duration
	// wrong is the first incorrect answer ("" when every answer was right).
	wrong string
	err   error
	// bytes is the size of the last measured answer's body.
	bytes int
}

func (r *result) median() time.Duration { return quantile(r.times, 0.5) }
func (r *result) p90() time.Duration    { return quantile(r.times, 0.9) }

func quantile(ts []time.Duration, q float64) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	s := slices.Clone(ts)
	slices.Sort(s)
	i := int(q*float64(len(s)-1) + 0.5)
	return s[i]
}

// target is a server with the benchmark's view of its calendar.
type target struct {
	*server
	c       *client
	objects map[string]*object // href -> object, as the server should hold them
	rng     *rand.Rand
	// hrefs caches the sorted hrefs of objects; nil after a change of
	// the set. Sorting 10 000 hrefs before every timed request left the
	// server idle and the bench process collecting garbage just as the
	// clock started.
	hrefs []string
	// monthWant caches the hrefs the month's calendar-query must answer;
	// nil after a change of the set.
	monthWant []string
	w         *workload
	results   map[string]*result
	// expand is the result of the expand check (not timed).
	expand string
}

func newTarget(s *server, w *workload, seed uint64) *target {
	t := &target{server: s, c: newClient(s.origin, s.user, s.pass), w: w, results: map[string]*result{},
		objects: make(map[string]*object, len(w.objects)), rng: rand.New(rand.NewPCG(seed, 7))}
	for _, o := range w.objects {
		t.objects[o.href] = o
	}
	return t
}

// sortedHrefs returns the hrefs the server should hold.
func (t *target) sortedHrefs() []string {
	hs := make([]string, 0, len(t.objects))
	for h := range t.objects {
		hs = append(hs, h)
	}
	sort.Strings(hs)
	return hs
}

// changed forgets what was computed from the set of objects.
func (t *target) changed() { t.hrefs, t.monthWant = nil, nil }

// members returns the sorted hrefs, computed once per set of objects; the
// slice is never changed in place.
func (t *target) members() []string {
	if t.hrefs == nil {
		t.hrefs = t.sortedHrefs()
	}
	return t.hrefs
}

func (t *target) pick(n int) []string {
	t.members()
	n = min(n, len(t.hrefs))
	if n*2 > len(t.hrefs) {
		hs := append([]string(nil), t.hrefs...)
		t.rng.Shuffle(len(hs), func(i, j int) { hs[i], hs[j] = hs[j], hs[i] })
		return hs[:n]
	}
	seen := make(map[int]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		i := t.rng.IntN(len(t.hrefs))
		if !seen[i] {
			seen[i] = true
			out = append(out, t.hrefs[i])
		}
	}
	return out
}

func (t *target) objectList() []*object {
	out := make([]*object, 0, len(t.objects))
	for _, h := range t.sortedHrefs() {
		out = append(out, t.objects[h])
	}
	return out
}

func (t *target) put(o *object, hdr map[string]string) (*reply, error) {
	return t.c.do("PUT", t.calPath+o.href, putHeaders(hdr), o.data)
}

// putTimed is put for a measured request.
func (t *target) putTimed(o *object, hdr map[string]string) (*reply, error) {
	return t.c.timed("PUT", t.calPath+o.href, putHeaders(hdr), o.data)
}

// putHeaders are the headers of a PUT of an object, hdr added.
func putHeaders(hdr map[string]string) map[string]string {
	h := map[string]string{"Content-Type": "text/calendar; charset=utf-8"}
	for k, v := range hdr {
		h[k] = v
	}
	return h
}

// check tells what is wrong with an answer ("" when it is right).
type check func() string

// checked is the check of an answer already judged.
func checked(wrong string) check { return func() string { return wrong } }

// An operation makes one timed request and returns its time and the check
// of its answer.
type operation func() (time.Duration, check, error)

// plan says how long each operation is measured.
type plan struct {
	// reps requests at least, unless budget runs out first (never fewer
	// than 3).
	reps   int
	budget time.Duration
	// minTime: an operation that writes nothing goes on beyond reps until
	// it has run this long (up to maxReps requests), as Go's benchmarks
	// do: 30 GETs last 3 ms, and one collection or one burst of another
	// process's work in those 3 ms moved the median by half. Writes keep
	// to reps, so that every server holds the same objects.
	minTime time.Duration
}

// maxReps bounds the requests of one operation.
const maxReps = 2000

// more tells whether a request i (from 0) is to be made, elapsed after the
// first.
func (p plan) more(i int, elapsed time.Duration, readOnly bool) bool {
	switch {
	case i >= 3 && elapsed > p.budget:
		return false
	case i < p.reps:
		return true
	}
	return readOnly && elapsed < p.minTime && i < maxReps
}

// keptLimit bounds the answers kept for checking (see measure).
const keptLimit = 32 << 20

// measure runs op as p says and keeps the durations and the first wrong
// answer. The answers are checked after the timed requests (or whenever
// the answers kept exceed keptLimit): client and server share this
// machine's cores, and reading a large answer between two requests
// (parsing 120 KB of XML takes the client longer than most servers take
// to answer) cooled the server's processor caches and slowed the next
// request by as much as the answer itself. The loopback floor, which checks
// nothing but a length, has always been timed back to back; so now are the
// servers, alike. Every answer is still checked.
func (t *target) measure(name string, p plan, readOnly bool, op operation) {
	r := &result{}
	t.results[name] = r
	var checks []check
	kept := 0
	var checking time.Duration // not counted in the time p allows
	judge := func() {
		t0 := time.Now()
		for _, c := range checks {
			if wrong := c(); wrong != "" && r.wrong == "" {
				r.wrong = wrong
			}
		}
		checks, kept = nil, 0
		checking += time.Since(t0)
	}
	start := time.Now()
	for i := 0; p.more(i, time.Since(start)-checking, readOnly); i++ {
		d, c, err := op()
		if err != nil {
			r.err = err
			return
		}
		r.times = append(r.times, d)
		r.bytes = t.c.lastBytes
		checks = append(checks, c)
		if kept += r.bytes; kept > keptLimit {
			judge()
		}
	}
	judge()
}

// run measures every operation on t.
func (t *target) run(p plan) {
	t.measure("PUT", p, false, t.opPut)
	t.measure("GET", p, true, t.opGet)
	t.measure("PROPFIND Depth 1", p, true, t.opPropfind)
	t.measure("calendar-query month", p, true, t.opQuery)
	t.measure("calendar-multiget 100", p, true, t.opMultiget)
	t.runSync(p)
	t.expand = t.checkExpand()
}

func (t *target) opPut() (time.Duration, check, error) {
	o := t.w.fresh(t.rng)
	rep, err := t.putTimed(o, map[string]string{"If-None-Match": "*"})
	if err != nil {
		return 0, nil, err
	}
	if rep.status != http.StatusCreated {
		return rep.elapsed, checked(fmt.Sprintf("PUT new object: status %d, want 201", rep.status)), nil
	}
	t.objects[o.href] = o
	t.changed()
	return rep.elapsed, checked(""), nil
}

func (t *target) opGet() (time.Duration, check, error) {
	o := t.objects[t.pick(1)[0]]
	rep, err := t.c.timed("GET", t.calPath+o.href, nil, "")
	if err != nil {
		return 0, nil, err
	}
	return rep.elapsed, func() string {
		switch {
		case rep.status != http.StatusOK:
			return fmt.Sprintf("GET %s: status %d", o.href, rep.status)
		case !strings.Contains(string(rep.body), "UID:"+o.uid):
			return fmt.Sprintf("GET %s: body without its UID", o.href)
		case rep.header.Get("ETag") == "":
			return fmt.Sprintf("GET %s: no ETag", o.href)
		}
		return ""
	}, nil
}

func (t *target) opPropfind() (time.Duration, check, error) {
	rep, err := t.c.timed("PROPFIND", t.calPath, map[string]string{"Depth": "1"}, propfindDepth1())
	if err != nil {
		return 0, nil, err
	}
	want := t.members() // the members at the time of the request
	return rep.elapsed, checkMultistatus(rep, func(ms *multistatus) string {
		var got []string
		for _, r := range ms.Responses {
			if strings.TrimSuffix(hrefPath(r.Href), "/") == strings.TrimSuffix(t.calPath, "/") {
				continue
			}
			if ps := r.ok(); ps == nil || ps.Prop.ETag == "" {
				return fmt.Sprintf("PROPFIND: %s without getetag", r.Href)
			}
			got = append(got, base(r.Href))
		}
		return compareSets("PROPFIND Depth 1 members", got, want)
	}), nil
}

func (t *target) opQuery() (time.Duration, check, error) {
	rep, err := t.c.timed("REPORT", t.calPath, map[string]string{"Depth": "1"},
		calendarQuery(t.w.monthStart, t.w.monthEnd, "<D:getetag/>"))
	if err != nil {
		return 0, nil, err
	}
	// The expected answer is computed with the first check, once:
	// queries write nothing, so the objects are still those the requests
	// saw.
	return rep.elapsed, checkMultistatus(rep, func(ms *multistatus) string {
		var got []string
		for _, r := range ms.Responses {
			got = append(got, base(r.Href))
		}
		if t.monthWant == nil {
			t.monthWant, _ = t.w.expectedMonth(t.objectList())
		}
		return compareSets("calendar-query hrefs", got, t.monthWant)
	}), nil
}

func (t *target) opMultiget() (time.Duration, check, error) {
	hrefs := t.pick(100)
	rep, err := t.c.timed("REPORT", t.calPath, map[string]string{"Depth": "1"}, multiget(t.calPath, hrefs))
	if err != nil {
		return 0, nil, err
	}
	uids := make(map[string]string, len(hrefs)) // the objects asked, as they were
	for _, h := range hrefs {
		uids[h] = t.objects[h].uid
	}
	return rep.elapsed, checkMultistatus(rep, func(ms *multistatus) string {
		var got []string
		for _, r := range ms.Responses {
			ps := r.ok()
			uid, ok := uids[base(r.Href)]
			if ps == nil || !ok || ps.Prop.ETag == "" || !strings.Contains(ps.Prop.CalendarData, "UID:"+uid) {
				return fmt.Sprintf("multiget: %s without its etag and data", r.Href)
			}
			got = append(got, base(r.Href))
		}
		slices.Sort(hrefs)
		return compareSets("multiget hrefs", got, hrefs)
	}), nil
}

// checkMultistatus is the check of a 207 answer: it reads the answer, then
// judges it with judge.
func checkMultistatus(rep *reply, judge func(*multistatus) string) check {
	return func() string {
		ms, err := parseMultistatus(rep)
		if err != nil {
			return err.Error()
		}
		return judge(ms)
	}
}

// runSync takes a sync token, then for every repetition makes 10 changes
// (8 updates, 1 new object, 1 deletion) and times the sync-collection
// REPORT that must list exactly those 10 hrefs, the deleted one as 404.
// Its answers are checked at once: the next request starts from the token
// of this one, and ten writes come between two timed requests anyway.
func (t *target) runSync(p plan) {
	name := "sync-collection 10"
	rep, err := t.c.do("REPORT", t.calPath, map[string]string{"Depth": "0"}, syncCollection(""))
	if err != nil {
		t.results[name] = &result{err: err}
		return
	}
	ms, err := parseMultistatus(rep)
	if err != nil || ms.SyncToken == "" {
		t.results[name] = &result{err: fmt.Errorf("initial sync-collection: %v (token %q)", err, msToken(ms))}
		return
	}
	token := ms.SyncToken
	t.measure(name, p, false, func() (time.Duration, check, error) {
		changed := t.pick(9)
		updated, deleted := changed[:8], changed[8]
		want := map[string]int{}
		for _, h := range updated {
			o := *t.objects[h]
			o.summary += " (modifié)"
			o.data = o.gen(o.summary)
			r, err := t.put(&o, nil)
			if err != nil {
				return 0, nil, err
			}
			if r.status/100 != 2 {
				return 0, nil, fmt.Errorf("update %s: status %d", h, r.status)
			}
			t.objects[h] = &o
			want[h] = 200
		}
		o := t.w.fresh(t.rng)
		if r, err := t.put(o, map[string]string{"If-None-Match": "*"}); err != nil || r.status != http.StatusCreated {
			return 0, nil, fmt.Errorf("create %s: %v %v", o.href, err, r)
		}
		t.objects[o.href] = o
		t.changed()
		want[o.href] = 200
		if r, err := t.c.do("DELETE", t.calPath+deleted, nil, ""); err != nil || r.status/100 != 2 {
			return 0, nil, fmt.Errorf("delete %s: %v %v", deleted, err, r)
		}
		delete(t.objects, deleted)
		t.changed()
		want[deleted] = 404
		rep, err := t.c.timed("REPORT", t.calPath, map[string]string{"Depth": "0"}, syncCollection(token))
		if err != nil {
			return 0, nil, err
		}
		ms, err := parseMultistatus(rep)
		if err != nil {
			return rep.elapsed, checked(err.Error()), nil
		}
		if ms.SyncToken == "" || ms.SyncToken == token {
			return rep.elapsed, checked("sync-collection: no new sync-token"), nil
		}
		token = ms.SyncToken
		got := map[string]int{}
		for _, r := range ms.Responses {
			st := 200
			if strings.Contains(r.Status, " 404") {
				st = 404
			}
			got[base(r.Href)] = st
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return rep.elapsed, checked(fmt.Sprintf("sync-collection: got %v, want %v", got, want)), nil
		}
		return rep.elapsed, checked(""), nil
	})
}

func msToken(ms *multistatus) string {
	if ms == nil {
		return ""
	}
	return ms.SyncToken
}

// checkExpand asks for the month with <C:expand> and compares the number
// of instances of every object with the expected one (not timed).
func (t *target) checkExpand() string {
	prop := `<D:getetag/><C:calendar-data><C:expand start="` + utcStamp(t.w.monthStart) + `" end="` + utcStamp(t.w.monthEnd) + `"/></C:calendar-data>`
	rep, err := t.c.do("REPORT", t.calPath, map[string]string{"Depth": "1"}, calendarQuery(t.w.monthStart, t.w.monthEnd, prop))
	if err != nil {
		return "error: " + err.Error()
	}
	ms, err := parseMultistatus(rep)
	if err != nil {
		return "wrong: " + err.Error()
	}
	total, bad := 0, 0
	for _, r := range ms.Responses {
		o := t.objects[base(r.Href)]
		ps := r.ok()
		if o == nil || ps == nil {
			bad++
			continue
		}
		n := strings.Count(ps.Prop.CalendarData, "BEGIN:VEVENT")
		total += n
		if n != o.overlapping(t.w.monthStart, t.w.monthEnd) || strings.Contains(ps.Prop.CalendarData, "RRULE:") {
			bad++
		}
	}
	_, want := t.w.expectedMonth(t.objectList())
	if bad > 0 || total != want {
		return fmt.Sprintf("wrong: %d instances (want %d), %d objects with a wrong expansion", total, want, bad)
	}
	return fmt.Sprintf("correct (%d instances)", total)
}

// compareSets returns "" when got and want hold the same strings, else a
// short description of the difference.
func compareSets(what string, got, want []string) string {
	g, w := map[string]int{}, map[string]bool{}
	for _, h := range got {
		g[h]++
	}
	for _, h := range want {
		w[h] = true
	}
	var missing, extra, dup []string
	for _, h := range want {
		if g[h] == 0 {
			missing = append(missing, h)
		}
		g[h]--
	}
	for h, n := range g {
		switch {
		case n > 0 && !w[h]:
			extra = append(extra, h)
		case n > 0:
			dup = append(dup, h)
		}
	}
	if len(missing)+len(extra)+len(dup) == 0 {
		return ""
	}
	short := func(s []string) string {
		sort.Strings(s)
		if len(s) > 3 {
			return fmt.Sprintf("%v… (%d)", s[:3], len(s))
		}
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("%s: %d answered, %d expected; missing %s, unexpected %s, repeated %s",
		what, len(got), len(want), short(missing), short(extra), short(dup))
}

// syncBuffer is a bytes buffer safe for a process writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<20 {
		return len(p), nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
