package ical

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/bastide47/bastide/db/model"
)

// Object is one calendar object resource (RFC 4791 §4.1): the components
// of one UID (a master and its RECURRENCE-ID overrides) with the VTIMEZONEs
// they use.
type Object struct {
	Cal *goical.Calendar
	UID string
	// Component is "VEVENT" or "VTODO".
	Component string
	// Master is the component without RECURRENCE-ID; nil when the object
	// holds only overrides (an invitation to some occurrences).
	Master *goical.Component
	// Overrides are the components with a RECURRENCE-ID, in file order.
	Overrides []*goical.Component
	// Data is the text the object was parsed from (without a byte order
	// mark), the text to store.
	Data []byte

	series *series
}

// supported components of a calendar object; others are refused.
var ignoredComponents = map[string]bool{goical.CompTimezone: true}

// ParseObject decodes data and checks that it is one valid calendar object
// resource. Errors are *Error with a message naming the property at fault:
// no UID, several UIDs, no DTSTART in a VEVENT, DTEND before DTSTART, DTEND
// and DURATION both, a DATE DTSTART with a DATE-TIME DTEND, bad dates and
// durations, a TZID that cannot be resolved (see ResolveTZID), a bad RRULE,
// RDATE or EXDATE, two components with the same RECURRENCE-ID, METHOD (not
// allowed in stored objects, RFC 4791 §4.1), VJOURNAL, VFREEBUSY and other
// components (KindUnsupportedComponent), VEVENT mixed with VTODO.
// Unknown X- components are kept and ignored.
func ParseObject(data []byte, lim Limits) (*Object, error) {
	cal, err := Decode(data, lim)
	if err != nil {
		return nil, err
	}
	if cal.Props.Get(goical.PropMethod) != nil {
		return nil, errorf(KindInvalidObject, "METHOD", "METHOD is not allowed in a stored calendar object (RFC 4791 §4.1); remove it")
	}
	obj, err := objectFromCalendar(cal, lim)
	if err != nil {
		return nil, err
	}
	obj.Data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return obj, nil
}

func objectFromCalendar(cal *goical.Calendar, lim Limits) (*Object, error) {
	obj := &Object{Cal: cal}
	for _, c := range cal.Children {
		switch {
		case c.Name == goical.CompEvent || c.Name == goical.CompToDo:
		case ignoredComponents[c.Name] || strings.HasPrefix(c.Name, "X-"):
			continue
		default:
			return nil, errorf(KindUnsupportedComponent, c.Name, "%s components are not supported; only VEVENT and VTODO are", c.Name)
		}
		if obj.Component == "" {
			obj.Component = c.Name
		} else if obj.Component != c.Name {
			return nil, errorf(KindInvalidObject, c.Name, "the object mixes %s and %s; a calendar object holds one kind of component", obj.Component, c.Name)
		}
		uid := strings.TrimSpace(text(c, goical.PropUID))
		if uid == "" {
			return nil, invalidf("UID", "a %s%s has no UID", c.Name, describe(c)).as(CodeNoUID)
		}
		if n := len(c.Props.Values(goical.PropUID)); n > 1 {
			return nil, invalidf("UID", "a %s has %d UID properties; it needs exactly one", c.Name, n)
		}
		if len(uid) > model.MaxUIDLen {
			return nil, invalidf("UID", "UID is %d bytes long, more than %d", len(uid), model.MaxUIDLen)
		}
		if obj.UID == "" {
			obj.UID = uid
		} else if obj.UID != uid {
			return nil, errorf(KindInvalidObject, "UID", "the object holds several UIDs (%q and %q); store each in its own resource", clip(obj.UID), clip(uid))
		}
		if c.Props.Get(goical.PropRecurrenceID) != nil {
			obj.Overrides = append(obj.Overrides, c)
		} else if obj.Master != nil {
			return nil, errorf(KindInvalidObject, c.Name, "two %s components have UID %q and no RECURRENCE-ID", c.Name, clip(uid)).as(CodeDuplicateUID)
		} else {
			obj.Master = c
		}
	}
	if obj.Component == "" {
		return nil, errorf(KindInvalidObject, "VCALENDAR", "the calendar holds no VEVENT or VTODO")
	}
	s, err := buildSeries(obj, lim)
	if err != nil {
		return nil, err
	}
	obj.series = s
	return obj, nil
}

// describe names a component by its SUMMARY for error messages.
func describe(c *goical.Component) string {
	if s := text(c, goical.PropSummary); s != "" {
		return fmt.Sprintf(" (%q)", clip(s))
	}
	return ""
}

// timing is the parsed time of one component.
type timing struct {
	comp     *goical.Component
	start    dtValue
	hasStart bool
	// end mode: exact (DTEND/DUE), nominal (DURATION) or the default.
	endMode int
	exact   time.Duration
	days    int // DTEND of a DATE series, in days
	dur     duration
	status  string
	// override fields
	rid           dtValue
	hasRID        bool
	thisAndFuture bool
}

const (
	endDefault = iota
	endExact
	endNominal
)

// endOf returns the end of an occurrence starting at s (in the series' zone).
func (tm *timing) endOf(s time.Time) time.Time {
	switch tm.endMode {
	case endExact:
		if tm.start.isDate() {
			return s.AddDate(0, 0, tm.days)
		}
		return s.Add(tm.exact)
	case endNominal:
		return tm.dur.add(s)
	}
	if tm.start.isDate() {
		return s.AddDate(0, 0, 1)
	}
	return s
}

var validStatus = map[string]map[string]bool{
	goical.CompEvent: {"TENTATIVE": true, "CONFIRMED": true, "CANCELLED": true},
	goical.CompToDo:  {"NEEDS-ACTION": true, "COMPLETED": true, "IN-PROCESS": true, "CANCELLED": true},
}

func single(c *goical.Component, name string) (*goical.Prop, *Error) {
	vs := c.Props.Values(name)
	if len(vs) > 1 {
		return nil, invalidf(name, "%s appears %d times in a %s; at most once is allowed", name, len(vs), c.Name).as(CodeRepeated)
	}
	if len(vs) == 0 {
		return nil, nil
	}
	return &vs[0], nil
}

func parseDTProp(p *goical.Prop, r *resolver) (dtValue, *Error) {
	return parseDT(p.Name, p.Value, p.Params.Get(goical.ParamValue), p.Params.Get(goical.PropTimezoneID), r.resolve)
}

// parseTiming checks and parses the dates of one VEVENT or VTODO.
func parseTiming(c *goical.Component, r *resolver, override bool) (*timing, *Error) {
	tm := &timing{comp: c}
	isTodo := c.Name == goical.CompToDo
	for _, name := range []string{goical.PropDateTimeStart, goical.PropDateTimeEnd, goical.PropDuration, goical.PropDue, goical.PropRecurrenceID, goical.PropStatus, goical.PropSequence, goical.PropGeo, goical.PropSummary} {
		if _, err := single(c, name); err != nil {
			return nil, err
		}
	}
	if p := c.Props.Get(goical.PropRecurrenceID); p != nil && override {
		v, err := parseDTProp(p, r)
		if err != nil {
			return nil, err
		}
		tm.rid, tm.hasRID = v, true
		tm.thisAndFuture = strings.EqualFold(p.Params.Get("RANGE"), "THISANDFUTURE")
	}
	if p := c.Props.Get(goical.PropDateTimeStart); p != nil {
		v, err := parseDTProp(p, r)
		if err != nil {
			return nil, err
		}
		tm.start, tm.hasStart = v, true
	} else if tm.hasRID {
		tm.start, tm.hasStart = tm.rid, true
	}
	endName := goical.PropDateTimeEnd
	if isTodo {
		endName = goical.PropDue
		if c.Props.Get(goical.PropDateTimeEnd) != nil {
			return nil, invalidf("DTEND", "a VTODO cannot have DTEND; use DUE").as(CodeWrongEnd)
		}
	} else {
		if !tm.hasStart {
			return nil, invalidf("DTSTART", "the VEVENT%s has no DTSTART", describe(c)).as(CodeNoStart)
		}
		if c.Props.Get(goical.PropDue) != nil {
			return nil, invalidf("DUE", "a VEVENT cannot have DUE; use DTEND").as(CodeWrongEnd)
		}
	}
	endP := c.Props.Get(endName)
	durP := c.Props.Get(goical.PropDuration)
	if endP != nil && durP != nil {
		return nil, invalidf(endName, "the %s has both %s and DURATION; keep one", c.Name, endName).as(CodeEndAndDuration)
	}
	if endP != nil {
		end, err := parseDTProp(endP, r)
		if err != nil {
			return nil, err
		}
		if !tm.hasStart {
			// A VTODO with DUE only: a zero-length task at DUE.
			tm.start, tm.hasStart = end, true
		}
		if end.isDate() != tm.start.isDate() {
			return nil, invalidf(endName, "DTSTART is a %s but %s is a %s; both must be dates or both date-times", kindName(tm.start), endName, kindName(end)).as(CodeDateKinds)
		}
		if tm.start.isDate() {
			diff := end.t.Sub(tm.start.t)
			days := int((diff + 12*time.Hour) / (24 * time.Hour))
			if diff < 0 {
				return nil, invalidf(endName, "%s (%s) is before DTSTART (%s)", endName, end.human(), tm.start.human()).as(CodeEndBeforeStart)
			}
			if days == 0 {
				days = 1 // DTEND = DTSTART on a date: read as one day
			}
			tm.endMode, tm.days = endExact, days
		} else {
			if end.kind == dtFloating && tm.start.kind != dtFloating || end.kind != dtFloating && tm.start.kind == dtFloating {
				// Mixing floating and fixed times: compare wall clocks.
				end.t = time.Date(end.t.Year(), end.t.Month(), end.t.Day(), end.t.Hour(), end.t.Minute(), end.t.Second(), 0, tm.start.t.Location())
			}
			d := end.t.Sub(tm.start.t)
			if d < 0 {
				return nil, invalidf(endName, "%s (%s) is before DTSTART (%s)", endName, end.human(), tm.start.human()).as(CodeEndBeforeStart)
			}
			tm.endMode, tm.exact = endExact, d
		}
	}
	if durP != nil {
		if !tm.hasStart {
			return nil, invalidf("DURATION", "the %s has DURATION but no DTSTART", c.Name).as(CodeNoStart)
		}
		d, err := parseDuration("DURATION", durP.Value)
		if err != nil {
			return nil, err
		}
		if d.negative() {
			return nil, invalidf("DURATION", "DURATION %q is negative", durP.Value).as(CodeEndBeforeStart)
		}
		tm.endMode, tm.dur = endNominal, d
	}
	if p := c.Props.Get(goical.PropStatus); p != nil {
		st := strings.ToUpper(strings.TrimSpace(p.Value))
		if !validStatus[c.Name][st] {
			return nil, invalidf("STATUS", "STATUS %q is not valid in a %s", clip(p.Value), c.Name)
		}
		tm.status = st
	}
	if p := c.Props.Get(goical.PropSequence); p != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(p.Value)); err != nil || n < 0 {
			return nil, invalidf("SEQUENCE", "SEQUENCE %q is not a non-negative integer", clip(p.Value))
		}
	}
	if p := c.Props.Get(goical.PropGeo); p != nil {
		if _, _, err := parseGeo(p.Value); err != nil {
			return nil, err
		}
	}
	return tm, nil
}

func kindName(v dtValue) string {
	if v.isDate() {
		return "DATE"
	}
	return "DATE-TIME"
}

// parseGeo reads "lat;lon" (a comma is accepted too).
func parseGeo(v string) (lat, lon float64, err *Error) {
	v = strings.TrimSpace(v)
	sep := strings.IndexAny(v, ";,")
	bad := invalidf("GEO", "GEO %q is not \"latitude;longitude\" in degrees", clip(v))
	if sep < 0 {
		return 0, 0, bad
	}
	la, e1 := strconv.ParseFloat(strings.TrimSpace(v[:sep]), 64)
	lo, e2 := strconv.ParseFloat(strings.TrimSpace(v[sep+1:]), 64)
	if e1 != nil || e2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 || la != la || lo != lo {
		return 0, 0, bad
	}
	return la, lo, nil
}

// rdate is one RDATE value; end is set for PERIOD values.
type rdate struct {
	t   time.Time
	end time.Time
}

// series is the parsed recurrence of an object.
type series struct {
	component string
	master    *timing
	loc       *time.Location
	rule      *rrule.ROption
	ruleText  string
	ruleCost  int // see ruleCost
	rdates    []rdate
	exInstant map[int64]bool
	exDate    map[[3]int]bool
	overrides []*timing
	ovInstant map[int64]*timing
	ovDate    map[[3]int]*timing
}

// toSeries converts a value to the series' frame: instants in the series'
// zone, dates and floating times as wall clock in UTC.
func (s *series) toSeries(v dtValue) time.Time {
	ms := s.master.start
	switch {
	case ms.isDate():
		y, m, d := v.t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case ms.kind == dtFloating:
		return time.Date(v.t.Year(), v.t.Month(), v.t.Day(), v.t.Hour(), v.t.Minute(), v.t.Second(), 0, time.UTC)
	case v.kind == dtFloating:
		return time.Date(v.t.Year(), v.t.Month(), v.t.Day(), v.t.Hour(), v.t.Minute(), v.t.Second(), 0, s.loc)
	case v.isDate():
		y, m, d := v.t.Date()
		return time.Date(y, m, d, ms.t.Hour(), ms.t.Minute(), ms.t.Second(), 0, s.loc)
	}
	return v.t.In(s.loc)
}

func dateKey(t time.Time) [3]int {
	y, m, d := t.Date()
	return [3]int{y, int(m), d}
}

func buildSeries(obj *Object, lim Limits) (*series, error) {
	r := newResolver(obj.Cal)
	s := &series{component: obj.Component, exInstant: map[int64]bool{}, exDate: map[[3]int]bool{}}
	if obj.Master != nil {
		tm, err := parseTiming(obj.Master, r, false)
		if err != nil {
			return nil, err
		}
		s.master = tm
	}
	seen := map[int64]bool{}
	for _, c := range obj.Overrides {
		tm, err := parseTiming(c, r, true)
		if err != nil {
			return nil, err
		}
		if !tm.hasStart {
			continue
		}
		key := tm.rid.model().Unix()
		if seen[key] {
			return nil, errorf(KindInvalidObject, "RECURRENCE-ID", "two components override the same occurrence (RECURRENCE-ID %s)", tm.rid.human())
		}
		seen[key] = true
		s.overrides = append(s.overrides, tm)
	}
	if s.master == nil || !s.master.hasStart {
		if s.master != nil && (obj.Master.Props.Get(goical.PropRecurrenceRule) != nil || obj.Master.Props.Get(goical.PropRecurrenceDates) != nil) {
			return nil, invalidf("RRULE", "a recurring %s needs a DTSTART", obj.Component).as(CodeNoStart)
		}
		return s, nil
	}
	m := s.master
	s.loc = m.start.t.Location()
	rules := obj.Master.Props.Values(goical.PropRecurrenceRule)
	if len(rules) > 1 {
		return nil, invalidf("RRULE", "the %s has %d RRULE properties; only one is supported", obj.Component, len(rules))
	}
	if len(rules) == 1 {
		opt, cost, err := parseRRule(rules[0].Value, m.start.t, s.loc)
		if err != nil {
			return nil, err
		}
		if _, rerr := newRRule(*opt); rerr != nil {
			return nil, invalidf("RRULE", "RRULE %q is not a valid recurrence rule (%v)", clip(rules[0].Value), rerr)
		}
		if maxWork := lim.withDefaults().MaxWork; cost > maxWork {
			return nil, errorf(KindTooManyInstances, "RRULE", "RRULE %q is too sparse to expand: finding one occurrence may take %d candidate times, more than the limit of %d; use a rule whose occurrences are closer together", clip(rules[0].Value), cost, maxWork)
		}
		s.rule, s.ruleText, s.ruleCost = opt, strings.TrimSpace(rules[0].Value), cost
	}
	for _, p := range obj.Master.Props.Values(goical.PropRecurrenceDates) {
		vt := strings.ToUpper(p.Params.Get(goical.ParamValue))
		for _, v := range strings.Split(p.Value, ",") {
			if strings.TrimSpace(v) == "" {
				continue
			}
			if vt == "PERIOD" || strings.Contains(v, "/") {
				rd, err := s.parsePeriod(v, p.Params.Get(goical.PropTimezoneID), r)
				if err != nil {
					return nil, err
				}
				s.rdates = append(s.rdates, rd)
				continue
			}
			if vt == "PERIOD" {
				vt = ""
			}
			d, err := parseDT("RDATE", v, vt, p.Params.Get(goical.PropTimezoneID), r.resolve)
			if err != nil {
				return nil, err
			}
			s.rdates = append(s.rdates, rdate{t: s.toSeries(d)})
		}
	}
	for _, p := range obj.Master.Props.Values(goical.PropExceptionDates) {
		for _, v := range strings.Split(p.Value, ",") {
			if strings.TrimSpace(v) == "" {
				continue
			}
			d, err := parseDT("EXDATE", v, p.Params.Get(goical.ParamValue), p.Params.Get(goical.PropTimezoneID), r.resolve)
			if err != nil {
				return nil, err
			}
			if d.isDate() && !m.start.isDate() {
				s.exDate[dateKey(d.t)] = true
			} else {
				s.exInstant[s.toSeries(d).Unix()] = true
			}
		}
	}
	s.indexOverrides()
	return s, nil
}

// parsePeriod reads "start/end" or "start/duration".
func (s *series) parsePeriod(v, tzid string, r *resolver) (rdate, *Error) {
	i := strings.IndexByte(v, '/')
	if i < 0 {
		return rdate{}, invalidf("RDATE", "RDATE period %q is not start/end or start/duration", clip(v))
	}
	start, err := parseDT("RDATE", v[:i], "DATE-TIME", tzid, r.resolve)
	if err != nil {
		return rdate{}, err
	}
	st := s.toSeries(start)
	rest := strings.TrimSpace(v[i+1:])
	if strings.HasPrefix(strings.TrimLeft(rest, "+-"), "P") {
		d, err := parseDuration("RDATE", rest)
		if err != nil {
			return rdate{}, err
		}
		if d.negative() {
			return rdate{}, invalidf("RDATE", "RDATE period %q has a negative duration", clip(v)).as(CodeEndBeforeStart)
		}
		return rdate{t: st, end: d.add(st)}, nil
	}
	end, err := parseDT("RDATE", rest, "DATE-TIME", tzid, r.resolve)
	if err != nil {
		return rdate{}, err
	}
	et := s.toSeries(end)
	if et.Before(st) {
		return rdate{}, invalidf("RDATE", "RDATE period %q ends before it starts", clip(v)).as(CodeEndBeforeStart)
	}
	return rdate{t: st, end: et}, nil
}
