package caldav

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// timeRange is a CALDAV:time-range; a zero bound is open.
type timeRange struct{ start, end time.Time }

var (
	farPast   = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func (tr *timeRange) from() time.Time {
	if tr.start.IsZero() {
		return farPast
	}
	return tr.start
}

func (tr *timeRange) to() time.Time {
	if tr.end.IsZero() {
		return farFuture
	}
	return tr.end
}

// parseUTC reads a time-range bound: a UTC date-time, leniently a date or a
// date-time without Z (read as UTC).
func parseUTC(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func parseTimeRange(n *node) (*timeRange, error) {
	tr := &timeRange{}
	s, e := n.attr("start"), n.attr("end")
	if s == "" && e == "" {
		return nil, preconditionErr(http.StatusBadRequest, cal("valid-filter"), "a time-range needs start or end")
	}
	var ok bool
	if s != "" {
		if tr.start, ok = parseUTC(s); !ok {
			return nil, preconditionErr(http.StatusBadRequest, cal("valid-filter"), "bad time-range start "+s)
		}
	}
	if e != "" {
		if tr.end, ok = parseUTC(e); !ok {
			return nil, preconditionErr(http.StatusBadRequest, cal("valid-filter"), "bad time-range end "+e)
		}
	}
	if !tr.start.IsZero() && !tr.end.IsZero() && !tr.end.After(tr.start) {
		return nil, preconditionErr(http.StatusBadRequest, cal("valid-filter"), "the time-range ends before it starts")
	}
	return tr, nil
}

type textMatch struct {
	value     string
	collation string
	negate    bool
}

type paramFilter struct {
	name         string
	isNotDefined bool
	text         *textMatch
}

type propFilter struct {
	name         string
	isNotDefined bool
	timeRange    *timeRange
	text         *textMatch
	params       []paramFilter
}

type compFilter struct {
	name         string
	isNotDefined bool
	timeRange    *timeRange
	props        []propFilter
	comps        []*compFilter
}

func parseTextMatch(n *node) (*textMatch, error) {
	tm := &textMatch{value: n.Text, collation: n.attr("collation"), negate: n.attr("negate-condition") == "yes"}
	switch tm.collation {
	case "", "i;ascii-casemap", "i;octet", "i;unicode-casemap":
	default:
		return nil, preconditionErr(http.StatusForbidden, cal("supported-collation"), "unsupported collation "+tm.collation+"; use i;ascii-casemap or i;octet")
	}
	return tm, nil
}

// invalidFilter refuses a filter that RFC 4791 §9.7 does not allow.
func invalidFilter(msg string) error {
	return preconditionErr(http.StatusForbidden, cal("valid-filter"), msg)
}

// timedComponents are those a time-range can test (RFC 4791 §9.9).
var timedComponents = map[string]bool{"VEVENT": true, "VTODO": true, "VJOURNAL": true, "VFREEBUSY": true,
	"VALARM": true, "VAVAILABILITY": true, "AVAILABLE": true}

// parseFilter reads a CALDAV:filter: exactly one comp-filter, VCALENDAR.
func parseFilter(n *node) (*compFilter, error) {
	var cfn *node
	for _, c := range n.Children {
		if c.is(cal("comp-filter")) {
			if cfn != nil {
				return nil, invalidFilter("a filter holds exactly one comp-filter, VCALENDAR")
			}
			cfn = c
		}
	}
	if cfn == nil {
		return nil, preconditionErr(http.StatusBadRequest, cal("valid-filter"), "calendar-query needs a filter with a VCALENDAR comp-filter")
	}
	f, err := parseCompFilter(cfn)
	if err != nil {
		return nil, err
	}
	if f.name != "VCALENDAR" {
		return nil, invalidFilter("the top comp-filter must be VCALENDAR")
	}
	return f, nil
}

// parseCompFilter reads a comp-filter, iteratively bounded by the XML depth.
func parseCompFilter(n *node) (*compFilter, error) {
	cf := &compFilter{name: strings.ToUpper(n.attr("name"))}
	if cf.name == "" {
		return nil, preconditionErr(http.StatusBadRequest, cal("valid-filter"), "comp-filter needs a name")
	}
	tests := 0
	for _, c := range n.Children {
		var err error
		switch {
		case c.is(cal("is-not-defined")):
			cf.isNotDefined = true
		case c.is(cal("time-range")):
			if cf.timeRange != nil {
				return nil, invalidFilter("a comp-filter holds at most one time-range")
			}
			if !timedComponents[cf.name] {
				return nil, invalidFilter("a time-range cannot test " + cf.name + " components")
			}
			tests++
			cf.timeRange, err = parseTimeRange(c)
		case c.is(cal("comp-filter")):
			tests++
			var sub *compFilter
			sub, err = parseCompFilter(c)
			cf.comps = append(cf.comps, sub)
		case c.is(cal("prop-filter")):
			tests++
			var pf *propFilter
			pf, err = parsePropFilter(c)
			if pf != nil {
				cf.props = append(cf.props, *pf)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if cf.isNotDefined && tests > 0 {
		return nil, invalidFilter("a comp-filter with is-not-defined holds no other test")
	}
	return cf, nil
}

func parsePropFilter(n *node) (*propFilter, error) {
	pf := &propFilter{name: strings.ToUpper(n.attr("name"))}
	if pf.name == "" {
		return nil, preconditionErr(http.StatusBadRequest, cal("valid-filter"), "prop-filter needs a name")
	}
	tests := 0
	for _, c := range n.Children {
		var err error
		switch {
		case c.is(cal("is-not-defined")):
			pf.isNotDefined = true
		case c.is(cal("time-range")):
			if pf.timeRange != nil || pf.text != nil {
				return nil, invalidFilter("a prop-filter holds one time-range or one text-match, not more")
			}
			tests++
			pf.timeRange, err = parseTimeRange(c)
		case c.is(cal("text-match")):
			if pf.timeRange != nil || pf.text != nil {
				return nil, invalidFilter("a prop-filter holds one time-range or one text-match, not more")
			}
			tests++
			pf.text, err = parseTextMatch(c)
		case c.is(cal("param-filter")):
			tests++
			pp := paramFilter{name: strings.ToUpper(c.attr("name"))}
			if pp.name == "" {
				return nil, preconditionErr(http.StatusBadRequest, cal("valid-filter"), "param-filter needs a name")
			}
			for _, cc := range c.Children {
				if cc.is(cal("is-not-defined")) {
					pp.isNotDefined = true
				} else if cc.is(cal("text-match")) {
					if pp.text != nil {
						return nil, invalidFilter("a param-filter holds at most one text-match")
					}
					pp.text, err = parseTextMatch(cc)
				}
			}
			if pp.isNotDefined && pp.text != nil {
				return nil, invalidFilter("a param-filter with is-not-defined holds no text-match")
			}
			pf.params = append(pf.params, pp)
		}
		if err != nil {
			return nil, err
		}
	}
	if pf.isNotDefined && tests > 0 {
		return nil, invalidFilter("a prop-filter with is-not-defined holds no other test")
	}
	return pf, nil
}

// asciiLower folds A-Z only (i;ascii-casemap).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func (tm *textMatch) match(v string) bool {
	var ok bool
	switch tm.collation {
	case "i;octet":
		ok = strings.Contains(v, tm.value)
	case "i;unicode-casemap":
		ok = strings.Contains(strings.ToLower(v), strings.ToLower(tm.value))
	default:
		ok = strings.Contains(asciiLower(v), asciiLower(tm.value))
	}
	return ok != tm.negate
}

// unescapeText undoes iCalendar TEXT escaping.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == 'n' || s[i] == 'N' {
				sb.WriteByte('\n')
			} else {
				sb.WriteByte(s[i])
			}
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// matcher evaluates filters on one parsed object.
type matcher struct {
	h   *handler
	obj *ical.Object
	loc *time.Location
	// rangeDone: the top-level time-range was already answered by the index.
	rangeDone bool
}

// matchCalendar applies the VCALENDAR comp-filter.
func (m *matcher) matchCalendar(f *compFilter) bool {
	root := m.obj.Cal.Component
	if f.name != "VCALENDAR" {
		return false
	}
	if f.isNotDefined {
		return false
	}
	return m.matchComp(f, root, true)
}

// matchComp checks the nested tests of f against the component c (which
// already has f's name). top is true for VCALENDAR.
func (m *matcher) matchComp(f *compFilter, c *goical.Component, top bool) bool {
	for i := range f.props {
		if !m.matchProp(&f.props[i], c) {
			return false
		}
	}
	for _, sub := range f.comps {
		var kids []*goical.Component
		for _, k := range c.Children {
			if k.Name == sub.name {
				kids = append(kids, k)
			}
		}
		if sub.isNotDefined {
			if len(kids) > 0 {
				return false
			}
			continue
		}
		if len(kids) == 0 {
			return false
		}
		if sub.timeRange != nil {
			if top && (sub.name == "VEVENT" || sub.name == "VTODO") {
				if !m.rangeDone && !m.h.objectInRange(m.obj, sub.timeRange, m.loc) {
					return false
				}
			} else if sub.name == "VALARM" {
				if kids = m.alarmsInRange(c, kids, sub.timeRange); len(kids) == 0 {
					return false
				}
			}
		}
		// The filter holds when one component passes all its tests, an
		// is-not-defined prop-filter included (RFC 4791 §9.7.2: the
		// property is absent from that component), as comp-filter's
		// is-not-defined is judged in each enclosing component.
		found := false
		for _, k := range kids {
			if m.matchComp(sub, k, false) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// alarm is when a VALARM fires (RFC 5545 §3.8.6): at an absolute time, or
// at an offset from the start (or end) of each occurrence of its
// component; then repeat more times, every interval.
type alarm struct {
	absolute bool
	at       time.Time
	offset   time.Duration
	fromEnd  bool
	repeat   int64
	interval time.Duration
}

// maxAlarmSpan bounds how far from its occurrence an alarm is looked for.
const maxAlarmSpan = 100 * 365 * 24 * time.Hour

func parseAlarm(a *goical.Component, loc *time.Location) (alarm, bool) {
	var al alarm
	p := a.Props.Get("TRIGGER")
	if p == nil {
		return al, false
	}
	if strings.EqualFold(p.Params.Get("VALUE"), "DATE-TIME") {
		t, ok := parseICalTime(p.Value, "", loc)
		if !ok {
			return al, false
		}
		al.absolute, al.at = true, t
	} else {
		d, err := p.Duration()
		if err != nil {
			return al, false
		}
		al.offset, al.fromEnd = d, strings.EqualFold(p.Params.Get("RELATED"), "END")
	}
	if rp, dp := a.Props.Get("REPEAT"), a.Props.Get("DURATION"); rp != nil && dp != nil {
		n, err1 := strconv.ParseInt(strings.TrimSpace(rp.Value), 10, 64)
		d, err2 := dp.Duration()
		if err1 == nil && err2 == nil && n > 0 && d > 0 {
			al.repeat, al.interval = n, d
		}
	}
	return al, true
}

// firesIn reports whether the alarm, first firing at t0, fires in tr: the
// first repetition not before the range's start is computed, not walked to.
func (al alarm) firesIn(t0 time.Time, tr *timeRange) bool {
	from, to := tr.from(), tr.to()
	k := int64(0)
	if t0.Before(from) {
		if al.interval <= 0 {
			return false
		}
		gap := from.Sub(t0) // saturates for far ranges: then no repetition reaches
		k = int64(gap / al.interval)
		if gap%al.interval != 0 {
			k++
		}
	}
	if k > al.repeat {
		return false
	}
	t := t0.Add(time.Duration(k) * al.interval)
	return !t.Before(from) && t.Before(to)
}

// span is how far from its occurrence's start or end the alarm may fire.
func (al alarm) span() time.Duration {
	d := al.offset
	if d < 0 {
		d = -d
	}
	if al.repeat > 0 && al.interval > 0 && al.repeat < int64(maxAlarmSpan/al.interval) {
		d += time.Duration(al.repeat) * al.interval
	} else if al.repeat > 0 {
		d = maxAlarmSpan
	}
	return min(d, maxAlarmSpan)
}

// alarmsInRange keeps the alarms (VALARMs of the component c) that fire in
// tr, as RFC 4791 §9.9 asks: relative alarms on every occurrence that c
// gives (the master's, or an override's own), with their repetitions.
func (m *matcher) alarmsInRange(c *goical.Component, alarms []*goical.Component, tr *timeRange) []*goical.Component {
	parsed := make([]alarm, len(alarms))
	ok := make([]bool, len(alarms))
	var span time.Duration
	relative := false
	for i, a := range alarms {
		parsed[i], ok[i] = parseAlarm(a, m.loc)
		if ok[i] && !parsed[i].absolute {
			relative = true
			span = max(span, parsed[i].span())
		}
	}
	var occ []model.Instance
	if relative {
		// The occurrences whose alarms may fire in range: those within
		// span of it (and a second for the zero-length rule).
		pad := span + time.Second
		ins := m.h.occurrences(m.obj, tr.from().Add(-pad), tr.to().Add(pad), m.loc, m.h.opts.MaxExpand)
		own := m.ownOccurrence(c)
		for _, in := range ins {
			if own(in) {
				occ = append(occ, in)
			}
		}
	}
	var out []*goical.Component
	for i, a := range alarms {
		if !ok[i] {
			continue
		}
		al := parsed[i]
		if al.absolute {
			if al.firesIn(al.at, tr) {
				out = append(out, a)
			}
			continue
		}
		for _, in := range occ {
			base := in.Start
			if al.fromEnd {
				base = in.End
			}
			if al.firesIn(base.Add(al.offset), tr) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// ownOccurrence tells the occurrences a component of the object gives:
// an override its own, the master every other.
func (m *matcher) ownOccurrence(c *goical.Component) func(model.Instance) bool {
	rp := c.Props.Get("RECURRENCE-ID")
	if rp == nil {
		return func(in model.Instance) bool { return !in.Override }
	}
	key, ok := ridKey(rp, m.obj.Wall(), m.loc)
	return func(in model.Instance) bool { return ok && in.Override && in.RecurrenceID.Unix() == key }
}

// occurrences returns the occurrences of obj that overlap [from, to), at
// most max, with instants in UTC: all-day and floating ones, each by its
// own kind, are read in loc. RecurrenceID stays in the series' frame.
func (h *handler) occurrences(obj *ical.Object, from, to time.Time, loc *time.Location, max int) []model.Instance {
	lim := h.opts.Limits
	lim.MaxInstances = max
	ins, _ := obj.ExpandIn(context.Background(), from, to, loc, lim) // bounded by lim.MaxWork
	wall := obj.Wall()
	for i, in := range ins {
		if wall != in.OtherKind {
			ins[i].Start, ins[i].End = fromWall(in.Start, loc), fromWall(in.End, loc)
		}
	}
	return ins
}

func (m *matcher) matchProp(f *propFilter, c *goical.Component) bool {
	props := c.Props.Values(f.name)
	if f.isNotDefined {
		return len(props) == 0
	}
	if len(props) == 0 {
		return false
	}
	for _, p := range props {
		if f.timeRange != nil {
			t, ok := parseICalTime(p.Value, p.Params.Get("TZID"), m.loc)
			if !ok || t.Before(f.timeRange.from()) || !t.Before(f.timeRange.to()) {
				continue
			}
		}
		if f.text != nil && !f.text.match(unescapeText(p.Value)) {
			continue
		}
		ok := true
		for _, pf := range f.params {
			vals := p.Params.Values(pf.name)
			if pf.isNotDefined {
				if len(vals) > 0 {
					ok = false
				}
				continue
			}
			if len(vals) == 0 {
				ok = false
				continue
			}
			if pf.text != nil {
				any := false
				for _, v := range vals {
					if pf.text.match(v) {
						any = true
					}
				}
				if !any {
					ok = false
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// parseICalTime reads a DATE or DATE-TIME value; floating and date values
// are read in loc.
func parseICalTime(v, tzid string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	if strings.HasSuffix(v, "Z") {
		t, err := time.Parse("20060102T150405Z", v)
		return t, err == nil
	}
	if tzid != "" {
		if l, err := ical.ResolveTZID(tzid, nil); err == nil {
			loc = l
		}
	}
	for _, layout := range []string{"20060102T150405", "20060102"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// fromWall reads a stored wall-clock time in loc.
func fromWall(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc).UTC()
}

// overlaps is RFC 4791 §9.9 for an occurrence.
func overlaps(start, end time.Time, tr *timeRange) bool {
	from, to := tr.from(), tr.to()
	if start.Equal(end) {
		return !start.Before(from) && start.Before(to)
	}
	return start.Before(to) && end.After(from)
}

func isRecurring(obj *ical.Object) bool {
	if obj.Master == nil {
		return true
	}
	return obj.Master.Props.Get("RRULE") != nil || obj.Master.Props.Get("RDATE") != nil || len(obj.Overrides) > 0
}

// objectInRange applies RFC 4791 §9.9 to a whole object: any occurrence of
// a VEVENT (or recurring VTODO) overlapping the range, or for a single
// VTODO the table of §9.9.
func (h *handler) objectInRange(obj *ical.Object, tr *timeRange, loc *time.Location) bool {
	if obj.Component == "VTODO" && !isRecurring(obj) {
		return todoInRange(obj.Master, tr, loc)
	}
	return len(h.occurrences(obj, tr.from(), tr.to(), loc, 1)) > 0
}

// todoInRange is the VTODO table of RFC 4791 §9.9.
func todoInRange(c *goical.Component, tr *timeRange, loc *time.Location) bool {
	get := func(name string) (time.Time, bool) {
		p := c.Props.Get(name)
		if p == nil {
			return time.Time{}, false
		}
		return parseICalTime(p.Value, p.Params.Get("TZID"), loc)
	}
	start, end := tr.from(), tr.to()
	dtstart, hasStart := get("DTSTART")
	due, hasDue := get("DUE")
	completed, hasCompleted := get("COMPLETED")
	created, hasCreated := get("CREATED")
	var dur time.Duration
	hasDur := false
	if p := c.Props.Get("DURATION"); p != nil {
		if d, err := p.Duration(); err == nil {
			dur, hasDur = d, true
		}
	}
	le := func(a, b time.Time) bool { return !a.After(b) }
	switch {
	case hasStart && hasDur:
		e := dtstart.Add(dur)
		return le(start, e) && (end.After(dtstart) || !end.Before(e))
	case hasStart && hasDue:
		return (start.Before(due) || le(start, dtstart)) && (end.After(dtstart) || !end.Before(due))
	case hasStart:
		return le(start, dtstart) && end.After(dtstart)
	case hasDue:
		return start.Before(due) && !end.Before(due)
	case hasCompleted && hasCreated:
		return (le(start, created) || le(start, completed)) && (!end.Before(created) || !end.Before(completed))
	case hasCompleted:
		return le(start, completed) && !end.Before(completed)
	case hasCreated:
		return end.After(created)
	}
	return true
}
