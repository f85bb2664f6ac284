package ical

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db/model"
)

// occurrence is one instance in the series' frame, except that an
// override keeps its own kind: wall is true when its times are wall clock
// (all-day or floating), read as UTC.
type occurrence struct {
	rid        time.Time
	start, end time.Time
	override   bool
	status     string
	tm         *timing
	wall       bool
}

// instance returns the occurrence; seriesWall is the kind of the event
// (Object.Wall), against which OtherKind is set.
func (o occurrence) instance(recurring, seriesWall bool) model.Instance {
	in := model.Instance{Start: o.start.UTC(), End: o.end.UTC(), Override: o.override, Status: o.status, OtherKind: o.wall != seriesWall}
	if recurring {
		in.RecurrenceID = o.rid.UTC()
	}
	if o.override && o.tm != nil && o.tm.comp != nil {
		// An override's own texts and class: the public outputs show
		// (or hide) the occurrence as its override describes it.
		c := o.tm.comp
		in.Summary = strings.TrimSpace(text(c, goical.PropSummary))
		in.Description = strings.TrimSpace(text(c, goical.PropDescription))
		in.Location = strings.TrimSpace(text(c, goical.PropLocation))
		in.Class = strings.ToUpper(strings.TrimSpace(text(c, goical.PropClass)))
	}
	return in
}

// isWall reports whether a value is wall clock: a date or a floating time.
func (v dtValue) isWall() bool { return v.kind == dtDate || v.kind == dtFloating }

// describing is the timing that describes the object as an event: the
// master's, or for an object of overrides only, its earliest override's.
func (s *series) describing() *timing {
	if s.master != nil {
		return s.master
	}
	var tm *timing
	for _, ov := range s.overrides {
		if tm == nil || ov.start.model().Before(tm.start.model()) {
			tm = ov
		}
	}
	return tm
}

// Wall reports whether the object is all-day or floating as an event
// (model.Event.AllDay or Floating): the kind against which its
// occurrences' OtherKind is set.
func (o *Object) Wall() bool {
	if o.series == nil {
		return false
	}
	tm := o.series.describing()
	return tm != nil && tm.hasStart && tm.start.isWall()
}

// overlaps applies RFC 4791 §9.9: an occurrence with a duration overlaps
// [from, to) if it starts before to and ends after from; a zero-length one
// if from <= start < to. (A DATE occurrence without DTEND lasts one day, so
// it is never zero-length here.)
func overlaps(start, end, from, to time.Time) bool {
	if start.Equal(end) {
		return !start.Before(from) && start.Before(to)
	}
	return start.Before(to) && end.After(from)
}

func (s *series) recurring() bool {
	return s.rule != nil || len(s.rdates) > 0 || len(s.overrides) > 0
}

// infinite reports whether the rule never ends.
func (s *series) infinite() bool {
	return s.rule != nil && s.rule.Count == 0 && s.rule.Until.IsZero()
}

// overrideFor returns the override of the occurrence t, if any.
func (s *series) overrideFor(t time.Time) *timing {
	if o := s.ovInstant[t.Unix()]; o != nil {
		return o
	}
	if len(s.ovDate) > 0 {
		return s.ovDate[dateKey(t)]
	}
	return nil
}

// indexOverrides builds the maps of overrideFor.
func (s *series) indexOverrides() {
	s.ovInstant = map[int64]*timing{}
	s.ovDate = map[[3]int]*timing{}
	for _, o := range s.overrides {
		if o.rid.isDate() && !s.master.start.isDate() {
			s.ovDate[dateKey(o.rid.t)] = o
		} else {
			s.ovInstant[s.toSeries(o.rid).Unix()] = o
		}
	}
}

// walk calls fn for every occurrence of the master, in order of their
// original start (RECURRENCE-ID), with overrides in place of the
// occurrences they replace, until fn returns false. It reports whether it
// stopped at a bound of lim.
// consumed collects the overrides that replaced an occurrence.
//
// Every occurrence asked of the rule counts against lim.MaxSteps and
// charges the work it cost (see spent) to lim.MaxWork; walk asks for the
// next one only while the budget left covers the most it may cost (see
// ruleCost), and stops with ctx's error when ctx is done.
func (s *series) walk(ctx context.Context, lim Limits, consumed map[*timing]bool, fn func(occurrence) bool) (exhausted bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			exhausted, err = false, invalidf("RRULE", "cannot expand the recurrence (%v)", p)
		}
	}()
	m := s.master
	if m == nil || !m.hasStart {
		return false, nil
	}
	rds := append([]rdate{{t: m.start.t.In(s.loc)}}, s.rdates...)
	if m.start.kind == dtFloating || m.start.isDate() {
		rds[0].t = m.start.t
	}
	sort.SliceStable(rds, func(i, j int) bool { return rds[i].t.Before(rds[j].t) })
	var next func() (time.Time, bool)
	if s.rule != nil {
		rule, rerr := newRRule(*s.rule)
		if rerr != nil {
			return false, invalidf("RRULE", "bad RRULE (%v)", rerr)
		}
		next = rule.Iterator()
	}
	var tfs []*timing
	for _, o := range s.overrides {
		if o.thisAndFuture {
			tfs = append(tfs, o)
		}
	}
	sort.Slice(tfs, func(i, j int) bool { return s.toSeries(tfs[i].rid).Before(s.toSeries(tfs[j].rid)) })

	var ruleT time.Time
	ruleOK := false
	steps, work := lim.MaxSteps, lim.MaxWork
	pull := func() bool {
		if next == nil {
			return false
		}
		if err = ctx.Err(); err != nil {
			next, ruleOK = nil, false
			return false
		}
		if steps <= 0 || work < s.ruleCost {
			exhausted = true
			next, ruleOK = nil, false
			return false
		}
		steps--
		prev := ruleT
		if prev.IsZero() {
			prev = s.rule.Dtstart
		}
		ruleT, ruleOK = next()
		if !ruleOK {
			next = nil
			return false
		}
		work -= spent(s.rule, s.ruleCost, prev, ruleT)
		return true
	}
	pull()
	ri := 0
	var last time.Time
	haveLast := false
	for {
		var t, end time.Time
		switch {
		case ruleOK && (ri >= len(rds) || !rds[ri].t.Before(ruleT)):
			t = ruleT
			pull()
		case ri < len(rds):
			t, end = rds[ri].t, rds[ri].end
			ri++
		default:
			if err != nil {
				return false, fmt.Errorf("ical: expansion stopped: %w", err)
			}
			return exhausted, nil
		}
		if haveLast && t.Equal(last) {
			continue
		}
		last, haveLast = t, true
		if s.exInstant[t.Unix()] || (len(s.exDate) > 0 && s.exDate[dateKey(t)]) {
			continue
		}
		oc := occurrence{rid: t, start: t, status: m.status, tm: m, wall: m.start.isWall()}
		if end.IsZero() {
			oc.end = m.endOf(t)
		} else {
			oc.end = end
		}
		if o := s.overrideFor(t); o != nil {
			consumed[o] = true
			oc = occurrence{rid: t, start: s.frame(o.start), end: s.frame(o.start), override: true, status: o.status, tm: o, wall: o.start.isWall()}
			oc.end = o.endOf(oc.start)
		} else if len(tfs) > 0 {
			// RANGE=THISANDFUTURE: the latest such override before this
			// occurrence shifts it and gives it its length and status.
			for i := len(tfs) - 1; i >= 0; i-- {
				o := tfs[i]
				rid := s.toSeries(o.rid)
				if rid.Before(t) {
					delta := s.frame(o.start).Sub(rid)
					oc.start = t.Add(delta)
					oc.end = o.endOf(oc.start)
					oc.status, oc.tm = o.status, o
					break
				}
			}
		}
		if !fn(oc) {
			return exhausted, nil
		}
	}
}

// frame converts an override's own start to the series' frame.
func (s *series) frame(v dtValue) time.Time {
	if s.master == nil || !s.master.hasStart {
		return v.t
	}
	if v.kind == dtFloating || v.isDate() {
		// keep wall clock, as UTC reading
		return v.t
	}
	if s.master.start.kind == dtFloating || s.master.start.isDate() {
		return v.t.UTC()
	}
	return v.t.In(s.loc)
}

// overrideOccurrence is an override that replaced no occurrence of the
// master (its RECURRENCE-ID is beyond the expansion or matches nothing):
// it still happens, like an RDATE.
func (s *series) overrideOccurrence(o *timing) occurrence {
	start := s.frame(o.start)
	rid := o.rid.t
	if s.master != nil && s.master.hasStart {
		rid = s.toSeries(o.rid)
	}
	return occurrence{rid: rid, start: start, end: o.endOf(start), override: true, status: o.status, tm: o, wall: o.start.isWall()}
}

// maxShift is how much earlier than its RECURRENCE-ID an occurrence may
// start because of a THISANDFUTURE override.
func (s *series) maxShift() time.Duration {
	var shift time.Duration
	for _, o := range s.overrides {
		if o.thisAndFuture && s.master != nil && s.master.hasStart {
			if d := s.toSeries(o.rid).Sub(s.frame(o.start)); d > shift {
				shift = d
			}
		}
	}
	return shift
}

func tooMany(lim Limits, steps bool) *Error {
	if steps {
		return errorf(KindTooManyInstances, "RRULE", "the recurrence generates more than %d occurrences, or examines more than %d candidate times, before or in the range asked for; ask for a shorter range or a later start", lim.MaxSteps, lim.MaxWork)
	}
	return errorf(KindTooManyInstances, "RRULE", "more than %d occurrences in the range asked for", lim.MaxInstances)
}

// ExpandRange returns the occurrences that overlap [from, to) with the
// semantics of RFC 4791 §9.9 (see overlaps), sorted by start, for any range
// (the past, or beyond the horizon stored by Event). Times of all-day and
// floating occurrences are compared as wall clock read as UTC: it is
// ExpandIn in UTC. A cancelled override is returned with Status
// "CANCELLED".
//
// Work is bounded: at most lim.MaxInstances occurrences are returned, and
// the rule may generate at most lim.MaxSteps occurrences (those before from
// included) and examine at most lim.MaxWork candidate times. Past any of
// these bounds, ExpandRange returns the occurrences found so far with an
// *Error of KindTooManyInstances.
func (o *Object) ExpandRange(from, to time.Time, lim Limits) ([]model.Instance, error) {
	return o.ExpandIn(context.Background(), from, to, time.UTC, lim)
}

// ExpandRangeContext is ExpandRange that stops with ctx's error, wrapped,
// when ctx is done: requests pass theirs so that a client that leaves stops
// the work.
func (o *Object) ExpandRangeContext(ctx context.Context, from, to time.Time, lim Limits) ([]model.Instance, error) {
	return o.ExpandIn(ctx, from, to, time.UTC, lim)
}

// ExpandIn is ExpandRangeContext for a range of instants: all-day and
// floating occurrences are read in loc (a calendar's time zone) to be
// compared with it, each by its own kind, so that a timed override of an
// all-day series (or the reverse) is placed where it happens. The
// occurrences are returned as stored (wall clock read as UTC for all-day
// and floating ones, with OtherKind set as Event sets it).
func (o *Object) ExpandIn(ctx context.Context, from, to time.Time, loc *time.Location, lim Limits) (out []model.Instance, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, invalidf("", "cannot expand the recurrence (%v)", p).as(CodeBadRecurrence)
		}
	}()
	lim = lim.withDefaults()
	s := o.series
	if s == nil {
		return nil, invalidf("", "object was not made by ParseObject")
	}
	from, to = from.UTC(), to.UTC()
	recurring := s.recurring()
	seriesWall := o.Wall()
	ridWall := s.master != nil && s.master.hasStart && s.master.start.isWall()
	// instant reads a time of the walk as an instant: wall clock in loc.
	instant := func(t time.Time, wall bool) time.Time {
		if !wall || loc == time.UTC {
			return t.UTC()
		}
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UTC()
	}
	consumed := map[*timing]bool{}
	var capErr error
	shift := s.maxShift()
	exhausted, err := s.walk(ctx, lim, consumed, func(oc occurrence) bool {
		if !instant(oc.rid.Add(-shift), ridWall).Before(to) && !instant(oc.start, oc.wall).Before(to) {
			return false
		}
		if overlaps(instant(oc.start, oc.wall), instant(oc.end, oc.wall), from, to) {
			if len(out) >= lim.MaxInstances {
				capErr = tooMany(lim, false)
				return false
			}
			out = append(out, oc.instance(recurring, seriesWall))
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if exhausted && capErr == nil {
		capErr = tooMany(lim, true)
	}
	for _, ov := range s.overrides {
		if consumed[ov] {
			continue
		}
		oc := s.overrideOccurrence(ov)
		if overlaps(instant(oc.start, oc.wall), instant(oc.end, oc.wall), from, to) {
			out = append(out, oc.instance(true, seriesWall))
		}
	}
	sortInstances(out)
	if capErr != nil {
		return out, capErr
	}
	return out, nil
}

func sortInstances(in []model.Instance) {
	sort.SliceStable(in, func(i, j int) bool {
		if !in[i].Start.Equal(in[j].Start) {
			return in[i].Start.Before(in[j].Start)
		}
		return in[i].RecurrenceID.Before(in[j].RecurrenceID)
	})
}

// expandStored computes the instances stored with an event: see Event.
func (o *Object) expandStored(ctx context.Context, now time.Time, lim Limits) (out []model.Instance, capped bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, capped, err = nil, false, invalidf("", "cannot expand the recurrence (%v)", p).as(CodeBadRecurrence)
		}
	}()
	s := o.series
	recurring := s.recurring()
	seriesWall := o.Wall()
	horizon := now.Add(lim.Horizon)
	infinite := s.infinite()
	var ring []occurrence
	consumed := map[*timing]bool{}
	exhausted, err := s.walk(ctx, lim, consumed, func(oc occurrence) bool {
		if infinite && !oc.rid.UTC().Before(horizon) {
			capped = true
			return false
		}
		if len(ring) >= lim.MaxInstances {
			capped = true
			if ring[0].end.UTC().Before(now) {
				ring = ring[1:]
			} else {
				return false
			}
		}
		ring = append(ring, oc)
		return true
	})
	if err != nil {
		return nil, false, err
	}
	if exhausted {
		capped = true
	}
	out = make([]model.Instance, 0, len(ring)+len(s.overrides))
	for _, oc := range ring {
		out = append(out, oc.instance(recurring, seriesWall))
	}
	for _, ov := range s.overrides {
		if !consumed[ov] {
			out = append(out, s.overrideOccurrence(ov).instance(true, seriesWall))
		}
	}
	sortInstances(out)
	return out, capped, nil
}

// String is for debugging.
func (o occurrence) String() string {
	return fmt.Sprintf("%s..%s rid=%s", o.start, o.end, o.rid)
}
