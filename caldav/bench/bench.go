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
	hrefs   []string
	w       *workload
	results map[string]*result
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

func (t *target) pick(n int) []string {
	if t.hrefs == nil {
		t.hrefs = t.sortedHrefs()
	}
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

// measure runs op up to reps times (at least 3, within budget) and keeps
// the durations and the first wrong answer.
func (t *target) measure(name string, reps int, budget time.Duration, op func() (time.Duration, string, error)) {
	r := &result{}
	t.results[name] = r
	start := time.Now()
	for i := 0; i < reps; i++ {
		if i >= 3 && time.Since(start) > budget {
			break
		}
		d, wrong, err := op()
		if err != nil {
			r.err = err
			return
		}
		r.times = append(r.times, d)
		r.bytes = t.c.lastBytes
		if wrong != "" && r.wrong == "" {
			r.wrong = wrong
		}
	}
}

// run measures every operation on t.
func (t *target) run(reps int, budget time.Duration) {
	t.measure("PUT", reps, budget, t.opPut)
	t.measure("GET", reps, budget, t.opGet)
	t.measure("PROPFIND Depth 1", reps, budget, t.opPropfind)
	t.measure("calendar-query month", reps, budget, t.opQuery)
	t.measure("calendar-multiget 100", reps, budget, t.opMultiget)
	t.runSync(reps, budget)
	t.expand = t.checkExpand()
}

func (t *target) opPut() (time.Duration, string, error) {
	o := t.w.fresh(t.rng)
	rep, err := t.putTimed(o, map[string]string{"If-None-Match": "*"})
	if err != nil {
		return 0, "", err
	}
	if rep.status != http.StatusCreated {
		return rep.elapsed, fmt.Sprintf("PUT new object: status %d, want 201", rep.status), nil
	}
	t.objects[o.href] = o
	t.hrefs = nil
	return rep.elapsed, "", nil
}

func (t *target) opGet() (time.Duration, string, error) {
	o := t.objects[t.pick(1)[0]]
	rep, err := t.c.timed("GET", t.calPath+o.href, nil, "")
	if err != nil {
		return 0, "", err
	}
	switch {
	case rep.status != http.StatusOK:
		return rep.elapsed, fmt.Sprintf("GET %s: status %d", o.href, rep.status), nil
	case !strings.Contains(string(rep.body), "UID:"+o.uid):
		return rep.elapsed, fmt.Sprintf("GET %s: body without its UID", o.href), nil
	case rep.header.Get("ETag") == "":
		return rep.elapsed, fmt.Sprintf("GET %s: no ETag", o.href), nil
	}
	return rep.elapsed, "", nil
}

func (t *target) opPropfind() (time.Duration, string, error) {
	rep, err := t.c.timed("PROPFIND", t.calPath, map[string]string{"Depth": "1"}, propfindDepth1())
	if err != nil {
		return 0, "", err
	}
	ms, err := parseMultistatus(rep)
	if err != nil {
		return rep.elapsed, err.Error(), nil
	}
	var got []string
	for _, r := range ms.Responses {
		if strings.TrimSuffix(hrefPath(r.Href), "/") == strings.TrimSuffix(t.calPath, "/") {
			continue
		}
		if ps := r.ok(); ps == nil || ps.Prop.ETag == "" {
			return rep.elapsed, fmt.Sprintf("PROPFIND: %s without getetag", r.Href), nil
		}
		got = append(got, base(r.Href))
	}
	return rep.elapsed, compareSets("PROPFIND Depth 1 members", got, t.sortedHrefs()), nil
}

func (t *target) opQuery() (time.Duration, string, error) {
	rep, err := t.c.timed("REPORT", t.calPath, map[string]string{"Depth": "1"},
		calendarQuery(t.w.monthStart, t.w.monthEnd, "<D:getetag/>"))
	if err != nil {
		return 0, "", err
	}
	ms, err := parseMultistatus(rep)
	if err != nil {
		return rep.elapsed, err.Error(), nil
	}
	var got []string
	for _, r := range ms.Responses {
		got = append(got, base(r.Href))
	}
	want, _ := t.w.expectedMonth(t.objectList())
	return rep.elapsed, compareSets("calendar-query hrefs", got, want), nil
}

func (t *target) opMultiget() (time.Duration, string, error) {
	hrefs := t.pick(100)
	rep, err := t.c.timed("REPORT", t.calPath, map[string]string{"Depth": "1"}, multiget(t.calPath, hrefs))
	if err != nil {
		return 0, "", err
	}
	ms, err := parseMultistatus(rep)
	if err != nil {
		return rep.elapsed, err.Error(), nil
	}
	var got []string
	for _, r := range ms.Responses {
		ps := r.ok()
		o := t.objects[base(r.Href)]
		if ps == nil || o == nil || ps.Prop.ETag == "" || !strings.Contains(ps.Prop.CalendarData, "UID:"+o.uid) {
			return rep.elapsed, fmt.Sprintf("multiget: %s without its etag and data", r.Href), nil
		}
		got = append(got, base(r.Href))
	}
	slices.Sort(hrefs)
	return rep.elapsed, compareSets("multiget hrefs", got, hrefs), nil
}

// runSync takes a sync token, then for every repetition makes 10 changes
// (8 updates, 1 new object, 1 deletion) and times the sync-collection
// REPORT that must list exactly those 10 hrefs, the deleted one as 404.
func (t *target) runSync(reps int, budget time.Duration) {
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
	t.measure(name, reps, budget, func() (time.Duration, string, error) {
		changed := t.pick(9)
		updated, deleted := changed[:8], changed[8]
		want := map[string]int{}
		for _, h := range updated {
			o := *t.objects[h]
			o.summary += " (modifié)"
			o.data = o.gen(o.summary)
			r, err := t.put(&o, nil)
			if err != nil {
				return 0, "", err
			}
			if r.status/100 != 2 {
				return 0, "", fmt.Errorf("update %s: status %d", h, r.status)
			}
			t.objects[h] = &o
			want[h] = 200
		}
		o := t.w.fresh(t.rng)
		if r, err := t.put(o, map[string]string{"If-None-Match": "*"}); err != nil || r.status != http.StatusCreated {
			return 0, "", fmt.Errorf("create %s: %v %v", o.href, err, r)
		}
		t.objects[o.href] = o
		t.hrefs = nil
		want[o.href] = 200
		if r, err := t.c.do("DELETE", t.calPath+deleted, nil, ""); err != nil || r.status/100 != 2 {
			return 0, "", fmt.Errorf("delete %s: %v %v", deleted, err, r)
		}
		delete(t.objects, deleted)
		t.hrefs = nil
		want[deleted] = 404
		rep, err := t.c.timed("REPORT", t.calPath, map[string]string{"Depth": "0"}, syncCollection(token))
		if err != nil {
			return 0, "", err
		}
		ms, err := parseMultistatus(rep)
		if err != nil {
			return rep.elapsed, err.Error(), nil
		}
		if ms.SyncToken == "" || ms.SyncToken == token {
			return rep.elapsed, "sync-collection: no new sync-token", nil
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
			return rep.elapsed, fmt.Sprintf("sync-collection: got %v, want %v", got, want), nil
		}
		return rep.elapsed, "", nil
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
