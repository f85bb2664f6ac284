package caldav

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/ical"
)

func (h *handler) report(w http.ResponseWriter, r *request) error {
	body, err := h.readXMLBody(r.Request)
	if err != nil {
		return xmlBodyErr(err)
	}
	if body == nil {
		return badRequest("REPORT needs a body")
	}
	switch r.path.kind {
	case resCalendar, resObject:
	case resHome:
		if body.is(dav("sync-collection")) {
			return h.syncHome(w, r, body)
		}
		return preconditionErr(http.StatusForbidden, dav("supported-report"), "this report applies to a calendar")
	default:
		return preconditionErr(http.StatusForbidden, dav("supported-report"), "this report applies to a calendar")
	}
	dc, err := h.resolveCalendar(r)
	if err != nil {
		return err
	}
	switch {
	case body.is(cal("calendar-query")):
		return h.calendarQuery(w, r, dc, body)
	case body.is(cal("calendar-multiget")):
		return h.multiget(w, r, dc, body)
	case body.is(dav("sync-collection")):
		if r.path.kind != resCalendar {
			return preconditionErr(http.StatusForbidden, dav("supported-report"), "sync-collection applies to a calendar")
		}
		return h.syncCollection(w, r, dc, body)
	case body.is(cal("free-busy-query")):
		return h.freeBusy(w, r, dc, body)
	}
	return preconditionErr(http.StatusForbidden, dav("supported-report"), "unsupported report "+body.Local)
}

// reportProps reads the DAV:prop of a report and its calendar-data request.
func reportProps(body *node) (*propfindReq, *calData, error) {
	pf := &propfindReq{}
	var cd *calData
	for _, c := range body.Children {
		switch {
		case c.is(dav("prop")):
			if err := pf.setMode("prop"); err != nil {
				return nil, nil, err
			}
			for _, p := range c.Children {
				pf.names = append(pf.names, p.qname)
				if p.is(cal("calendar-data")) {
					var err error
					if cd, err = parseCalData(p); err != nil {
						return nil, nil, err
					}
				}
			}
		case c.is(dav("allprop")), c.is(dav("propname")):
			if err := pf.setMode(c.Local); err != nil {
				return nil, nil, err
			}
		}
	}
	if pf.mode == "" {
		pf.mode = "prop"
	}
	return pf, cd, nil
}

// calLocation is the zone of floating and all-day times of a calendar:
// the query's CALDAV:timezone (RFC 4791 §9.8) or timezone-id (RFC 7809),
// the calendar's, or Options.Timezone. A query's zone that is not one is
// refused with its precondition.
func (h *handler) calLocation(dc *db.DAVCalendar, body *node) (*time.Location, error) {
	if tz := body.child(cal("timezone")); tz != nil {
		l, err := h.vtimezoneLocation(tz.Text)
		if err != nil {
			return nil, preconditionErr(http.StatusForbidden, cal("valid-calendar-data"), "CALDAV:timezone must hold an iCalendar object with exactly one VTIMEZONE: "+err.Error())
		}
		return l, nil
	}
	if tz := body.child(cal("timezone-id")); tz != nil {
		l, err := ical.ResolveTZID(tz.Text, nil)
		if err != nil {
			return nil, preconditionErr(http.StatusForbidden, cal("valid-timezone"), "CALDAV:timezone-id names no known time zone; use an IANA name such as Europe/Paris")
		}
		return l, nil
	}
	if dc.Calendar.Timezone != "" {
		// Checked when it was set: its TZID names the zone, and only a
		// custom one (no IANA name) costs reading the whole VTIMEZONE.
		if l := tzidLocation(dc.Calendar.Timezone); l != nil {
			return l, nil
		}
		if l, err := h.vtimezoneLocation(dc.Calendar.Timezone); err == nil {
			return l, nil
		}
	}
	return h.opts.Timezone, nil
}

// vtimezoneLocation reads a time zone given as iCalendar text, as
// CALDAV:timezone and calendar-timezone hold it: a VCALENDAR with exactly
// one VTIMEZONE and nothing else, which must resolve to a location.
func (h *handler) vtimezoneLocation(text string) (*time.Location, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "BEGIN:VTIMEZONE") {
		// a bare VTIMEZONE, as some clients send it: read it as the
		// VCALENDAR around it
		text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//timezone//FR\r\n" + text + "\r\nEND:VCALENDAR\r\n"
	}
	c, err := ical.Decode([]byte(text), h.opts.Limits)
	if err != nil {
		return nil, errors.New("it is not valid iCalendar")
	}
	var vtz *goical.Component
	for _, k := range c.Children {
		if k.Name != goical.CompTimezone || vtz != nil {
			return nil, errors.New("it holds " + k.Name)
		}
		vtz = k
	}
	if vtz == nil {
		return nil, errors.New("it holds no VTIMEZONE")
	}
	tzid := vtz.Props.Get(goical.PropTimezoneID)
	if tzid == nil {
		return nil, errors.New("the VTIMEZONE has no TZID")
	}
	l, err := ical.ResolveTZID(tzid.Value, c)
	if err != nil {
		return nil, errors.New("the VTIMEZONE cannot be read")
	}
	return l, nil
}

// tzidLocation finds the IANA zone named by the TZID of a VTIMEZONE text.
func tzidLocation(text string) *time.Location {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "TZID:"); ok {
			if l, err := ical.ResolveTZID(strings.TrimSpace(v), nil); err == nil {
				return l
			}
			if l, err := time.LoadLocation(strings.TrimSpace(v)); err == nil {
				return l
			}
			return nil
		}
	}
	return nil
}

// objectWriter writes one object's response in a report.
type objectWriter struct {
	h      *handler
	r      *request
	dc     *db.DAVCalendar
	ms     *multistatus
	pf     *propfindReq
	cd     *calData
	loc    *time.Location
	base   string
	res    resource
	head   db.ObjectHead
	cached *cachedObject
	// full: an object did not fit in the answer's size limit; nothing
	// more is written but the truncation (see end).
	full bool
}

// errAnswerFull stops the reading of objects once the answer is full.
var errAnswerFull = errors.New("caldav: answer size limit reached")

func (h *handler) newObjectWriter(w http.ResponseWriter, r *request, dc *db.DAVCalendar, pf *propfindReq, cd *calData, loc *time.Location) *objectWriter {
	ow := &objectWriter{h: h, r: r, dc: dc, pf: pf, cd: cd, loc: loc, base: h.calendarPath(r.user.Username, dc)}
	ow.ms = newMultistatus(w, minimal(r.Request))
	ow.ms.limit = h.opts.MaxAnswer
	ow.res = resource{kind: resObject, dc: dc}
	return ow
}

func (ow *objectWriter) needsData() bool {
	for _, q := range ow.pf.names {
		if q == cal("calendar-data") {
			return true
		}
	}
	return false
}

// write writes an object's response, or returns errAnswerFull when it
// does not fit in the room left in the answer.
func (ow *objectWriter) write(o db.ObjectData) error {
	ow.head = o.ObjectHead
	ow.res.obj = &ow.head
	ow.res.href = ow.base + escapeSegment(o.Href)
	if ow.pf.mode != "prop" {
		if !ow.fits(len(o.Data)) {
			return errAnswerFull
		}
		ow.h.writeProps(ow.ms, ow.r, &ow.res, ow.pf)
		return nil
	}
	data, err := "", error(nil)
	if ow.needsData() {
		cd := ow.cd
		if cd == nil {
			cd = &calData{}
		}
		if data, err = ow.h.render(cd, o.Data, ow.loc, ow.ms.room()); err != nil || !ow.fits(len(data)) {
			ow.full = true
			return errAnswerFull
		}
	} else if !ow.fits(0) {
		return errAnswerFull
	}
	ow.h.writeObjectProps(ow.ms, ow.r, &ow.res, ow.pf.names, func() (string, bool, bool) { return data, false, true })
	return nil
}

// fits tells whether an object response with n bytes of data fits in the
// room left (with 1 KiB for its other properties), and marks the answer
// full when not.
func (ow *objectWriter) fits(n int) bool {
	if !ow.full && n+1024 > ow.ms.room() {
		ow.full = true
	}
	return !ow.full
}

// end closes the answer, saying first that it is truncated if it is.
func (ow *objectWriter) end() error {
	if ow.full {
		ow.ms.truncated(ow.r.URL.EscapedPath(), "the answer reached the server's size limit of "+itoa(ow.h.opts.MaxAnswer>>10)+
			" KiB; ask for fewer objects, a shorter time range or no expand")
	}
	return ow.ms.end()
}

// cachedData gives the calendar data of the object writeCached writes,
// without a closure per object.
func (ow *objectWriter) cachedData() (string, bool, bool) { return ow.cached.esc, true, true }

// cacheable tells whether the answer can come from the object cache: the
// properties asked by name, the calendar data whole.
func (ow *objectWriter) cacheable() bool {
	return ow.pf.mode == "prop" && (ow.cd == nil || ow.cd.plain())
}

// writeCached writes an object of the cache (only when cacheable); its
// calendar data is there when it was cached with it.
func (ow *objectWriter) writeCached(o *cachedObject) error {
	if !ow.fits(len(o.esc)) {
		return errAnswerFull
	}
	ow.head = o.head
	ow.res.obj = &ow.head
	ow.res.href = ow.base + escapeSegment(o.head.Href)
	ow.cached = o
	ow.h.writeObjectProps(ow.ms, ow.r, &ow.res, ow.pf.names, ow.cachedData)
	return nil
}

func (h *handler) calendarQuery(w http.ResponseWriter, r *request, dc *db.DAVCalendar, body *node) error {
	pf, cd, err := reportProps(body)
	if err != nil {
		return err
	}
	fn := body.child(cal("filter"))
	if fn == nil {
		return preconditionErr(http.StatusBadRequest, cal("valid-filter"), "calendar-query needs a filter with a VCALENDAR comp-filter")
	}
	filter, err := parseFilter(fn)
	if err != nil {
		return err
	}
	loc, err := h.calLocation(dc, body)
	if err != nil {
		return err
	}
	ctx := r.Context()
	plan, err := h.plan(ctx, dc, filter, loc)
	if err != nil {
		return err
	}
	ow := h.newObjectWriter(w, r, dc, pf, cd, loc)
	withData := ow.needsData() || plan.parse
	var only string
	if r.path.kind == resObject {
		only = r.path.object
	}
	err = h.store.EachObjectData(ctx, dc.Calendar.ID, plan.ids, plan.component, withData, func(o db.ObjectData) error {
		if only != "" && o.Href != only {
			return nil
		}
		if plan.parse {
			obj, err := ical.ParseObject([]byte(o.Data), h.opts.Limits)
			if err != nil {
				return nil
			}
			m := &matcher{h: h, obj: obj, loc: loc, rangeDone: plan.rangeDone}
			if !m.matchCalendar(filter) {
				return nil
			}
		}
		return ow.write(o)
	})
	if err != nil && !errors.Is(err, errAnswerFull) {
		h.log.ErrorContext(ctx, "caldav: calendar-query failed", "path", r.URL.Path, "err", err)
	}
	return ow.end()
}

// queryPlan says which objects a calendar-query must look at: ids (nil for
// all) of component (empty for any), and whether each must be parsed and
// matched against the whole filter.
type queryPlan struct {
	ids       []int64
	component string
	parse     bool
	rangeDone bool
}

// plan answers the common shapes of calendar-query from the index: a
// VCALENDAR filter holding one VEVENT or VTODO comp-filter, with or
// without a time-range. A VEVENT time-range is answered by the instance
// index (EventIDsInRange semantics with the calendar's zone for floating
// and all-day events, and re-expansion only of capped objects whose
// stored occurrences do not cover the range); VTODO time-ranges are
// checked per object (§9.9's table). Anything else is matched on the
// parsed objects.
func (h *handler) plan(ctx context.Context, dc *db.DAVCalendar, f *compFilter, loc *time.Location) (*queryPlan, error) {
	p := &queryPlan{}
	if f.isNotDefined {
		p.ids = []int64{}
		return p, nil
	}
	if f.timeRange != nil || len(f.props) > 0 || len(f.comps) > 1 {
		p.parse = true
		return p, nil
	}
	if len(f.comps) == 0 {
		return p, nil
	}
	cf := f.comps[0]
	if cf.isNotDefined || (cf.name != "VEVENT" && cf.name != "VTODO") {
		p.parse = true
		return p, nil
	}
	p.component = cf.name
	if len(cf.props) > 0 || len(cf.comps) > 0 {
		p.parse = true
	}
	if cf.timeRange == nil {
		return p, nil
	}
	if cf.name == "VTODO" {
		p.parse = true
		return p, nil
	}
	ids, err := h.eventIDsInRange(ctx, dc, cf.timeRange, loc, false)
	if err != nil {
		return nil, err
	}
	p.ids = ids
	p.rangeDone = true
	return p, nil
}

// maxZoneOffset pads index lookups so that floating and all-day times,
// stored as wall clock, are found whatever the zone.
const maxZoneOffset = 15 * time.Hour

// eventIDsInRange returns the VEVENT objects with an occurrence overlapping
// tr (RFC 4791 §9.9), sorted. busy leaves out cancelled occurrences.
func (h *handler) eventIDsInRange(ctx context.Context, dc *db.DAVCalendar, tr *timeRange, loc *time.Location, busy bool) ([]int64, error) {
	set := map[int64]bool{}
	from, to := tr.from(), tr.to()
	check := func(in db.DAVInstance) error {
		if in.Component != "VEVENT" || set[in.EventID] || (busy && in.Status == "CANCELLED") {
			return nil
		}
		s, e := in.Start, in.End
		if in.Wall {
			s, e = fromWall(s, loc), fromWall(e, loc)
		}
		if overlaps(s, e, tr) {
			set[in.EventID] = true
		}
		return nil
	}
	// Inside [from+pad, to-pad) any occurrence that starts overlaps the
	// range, whatever its zone: SQL counts those objects; only the edges
	// need each occurrence checked here.
	inFrom, inTo := from.Add(maxZoneOffset), to.Add(-maxZoneOffset)
	var err error
	if !busy && inTo.Sub(inFrom) > 2*maxZoneOffset {
		err = h.store.EachEventStartingIn(ctx, dc.Calendar.ID, inFrom, inTo, "VEVENT", func(id int64) error {
			set[id] = true
			return nil
		})
		if err == nil {
			err = h.store.EachInstanceInRange(ctx, dc.Calendar.ID, from, inFrom, maxZoneOffset, check)
		}
		if err == nil {
			err = h.store.EachInstanceInRange(ctx, dc.Calendar.ID, inTo, to, maxZoneOffset, check)
		}
	} else {
		err = h.store.EachInstanceInRange(ctx, dc.Calendar.ID, from, to, maxZoneOffset, check)
	}
	if err != nil {
		return nil, err
	}
	capped, err := h.store.ListCappedBounds(ctx, dc.Calendar.ID)
	if err != nil {
		return nil, err
	}
	var recheck []int64
	for _, c := range capped {
		if c.Component != "VEVENT" || set[c.EventID] {
			continue
		}
		if c.HasStored && !from.Before(c.First.Add(maxZoneOffset)) && !to.After(c.Last.Add(-maxZoneOffset)) {
			continue // the stored occurrences cover the range
		}
		recheck = append(recheck, c.EventID)
	}
	if len(recheck) > 0 {
		err := h.store.EachObjectData(ctx, dc.Calendar.ID, recheck, "", true, func(o db.ObjectData) error {
			obj, err := ical.ParseObject([]byte(o.Data), h.opts.Limits)
			if err != nil {
				return nil
			}
			if h.objectInRange(obj, tr, loc) {
				set[o.ID] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

func (h *handler) multiget(w http.ResponseWriter, r *request, dc *db.DAVCalendar, body *node) error {
	pf, cd, err := reportProps(body)
	if err != nil {
		return err
	}
	hrefs := make([]string, 0, len(body.Children))
	for _, c := range body.Children {
		if c.is(dav("href")) {
			hrefs = append(hrefs, strings.TrimSpace(c.Text))
		}
	}
	if len(hrefs) > h.opts.MaxMultiget {
		return preconditionErr(http.StatusForbidden, dav("number-of-matches-within-limits"),
			"a calendar-multiget may name at most "+itoa(h.opts.MaxMultiget)+" objects; split the request")
	}
	// Each href is resolved like a request path: only objects of this very
	// calendar, seen through this user's home, are read.
	// An href under the request's own path (the usual case) needs only
	// its last segment read: the others are those of the request, which
	// ServeHTTP parsed and checked already.
	names := make([]string, 0, len(hrefs))
	byName := make(map[string]string, len(hrefs))
	var bad []string
	add := func(name, href string) {
		if _, dup := byName[name]; !dup {
			names = append(names, name)
		}
		byName[name] = href
	}
	under := ""
	if r.path.kind == resCalendar {
		under = strings.TrimSuffix(r.URL.EscapedPath(), "/") + "/"
	}
	for _, href := range hrefs {
		p, ok := hrefPath(href)
		if rest, found := strings.CutPrefix(p, under); ok && under != "" && found && rest != "" && !strings.Contains(rest, "/") {
			if name, ok := cleanSegment(rest); ok {
				add(name, href)
				continue
			}
		}
		var dp davPath
		if ok {
			dp, ok = parsePath(h.opts.Prefix, p)
		}
		if !ok || dp.kind != resObject || dp.user != r.user.Username || dp.assoc != r.path.assoc || dp.slug != r.path.slug {
			bad = append(bad, href)
			continue
		}
		add(dp.object, href)
	}
	loc, err := h.calLocation(dc, body)
	if err != nil {
		return err
	}
	ow := h.newObjectWriter(w, r, dc, pf, cd, loc)
	ctx := r.Context()
	calID := dc.Calendar.ID
	// Objects the cache holds are written from it; the others are read
	// from the store and, with their data, go into the cache.
	toRead := names
	at, cached := int64(0), false
	if ow.cacheable() {
		at, cached = h.objects.sync(ctx, h.store, dc.Calendar)
	}
	if cached {
		toRead = nil
		for i, o := range h.objects.get(calID, at, names) {
			if o == nil {
				toRead = append(toRead, names[i])
			} else if ow.writeCached(o) != nil {
				break
			}
		}
	}
	withData := ow.needsData()
	fill := cached && withData
	var fresh []*cachedObject
	seen := make(map[string]bool, len(toRead))
	if ow.full {
		toRead = nil
	}
	err = h.store.EachObjectByHref(ctx, calID, toRead, withData, func(o db.ObjectData) error {
		seen[o.Href] = true
		if fill {
			co := newCachedObject(o.ObjectHead, o.Data)
			fresh = append(fresh, co)
			return ow.writeCached(co)
		}
		return ow.write(o)
	})
	switch {
	case ow.full:
		return ow.end()
	case err != nil:
		h.log.ErrorContext(ctx, "caldav: multiget failed", "path", r.URL.Path, "err", err)
	case fill:
		h.objects.fill(calID, at, fresh)
	}
	for _, n := range toRead {
		if !seen[n] {
			ow.ms.status(byName[n], http.StatusNotFound)
		}
	}
	for _, b := range bad {
		ow.ms.status(b, http.StatusNotFound)
	}
	return ow.end()
}

func itoa(n int) string { return strconv.Itoa(n) }
