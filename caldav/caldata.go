package caldav

import (
	"context"
	"net/http"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/ical"
)

// compSel is a CALDAV:comp selection of partial calendar-data.
type compSel struct {
	name     string
	allProps bool
	props    map[string]bool
	allComps bool
	comps    []*compSel
}

// calData is what a report asks of CALDAV:calendar-data.
type calData struct {
	sel      *compSel
	expand   *timeRange
	limitSet *timeRange
}

func (cd *calData) plain() bool { return cd.sel == nil && cd.expand == nil && cd.limitSet == nil }

func parseCompSel(n *node) *compSel {
	s := &compSel{name: strings.ToUpper(n.attr("name")), props: map[string]bool{}}
	hasProp, hasComp := false, false
	for _, c := range n.Children {
		switch {
		case c.is(cal("allprop")):
			s.allProps = true
		case c.is(cal("allcomp")):
			s.allComps = true
		case c.is(cal("prop")):
			hasProp = true
			s.props[strings.ToUpper(c.attr("name"))] = true
		case c.is(cal("comp")):
			hasComp = true
			s.comps = append(s.comps, parseCompSel(c))
		}
	}
	if !hasProp && !s.allProps {
		// RFC 4791 §9.6.1: no prop element means no properties, but clients
		// that list only comps expect the whole component: be lenient.
		s.allProps = !hasComp
	}
	_ = hasComp
	return s
}

func parseCalData(n *node) (*calData, error) {
	cd := &calData{}
	if ct := n.attr("content-type"); ct != "" && ct != "text/calendar" {
		return nil, preconditionErr(http.StatusForbidden, cal("supported-calendar-data"), "only text/calendar is supported")
	}
	if v := n.attr("version"); v != "" && v != "2.0" {
		return nil, preconditionErr(http.StatusForbidden, cal("supported-calendar-data"), "only iCalendar version 2.0 is supported")
	}
	for _, c := range n.Children {
		var err error
		switch {
		case c.is(cal("comp")):
			cd.sel = parseCompSel(c)
		case c.is(cal("expand")):
			cd.expand, err = parseTimeRange(c)
			if err == nil && (cd.expand.start.IsZero() || cd.expand.end.IsZero()) {
				err = preconditionErr(http.StatusBadRequest, cal("valid-filter"), "expand needs start and end")
			}
		case c.is(cal("limit-recurrence-set")):
			cd.limitSet, err = parseTimeRange(c)
		}
		if err != nil {
			return nil, err
		}
	}
	return cd, nil
}

// render returns the calendar-data of an object as asked.
//
// An expansion that would not fit in room bytes stops early with
// errAnswerFull.
func (h *handler) render(cd *calData, data string, loc *time.Location, room int) (string, error) {
	if cd.plain() {
		return data, nil
	}
	obj, err := ical.ParseObject([]byte(data), h.opts.Limits)
	if err != nil {
		return data, nil // stored data that no longer parses: give it as is
	}
	root := obj.Cal.Component
	switch {
	case cd.expand != nil:
		if root = h.expandObject(obj, cd.expand, loc, room); root == nil {
			return "", errAnswerFull
		}
	case cd.limitSet != nil:
		root = limitSet(obj, cd.limitSet, loc)
	}
	if cd.sel != nil {
		root = prune(root, cd.sel)
	}
	b, err := ical.Encode(&goical.Calendar{Component: root})
	if err != nil {
		return data, nil
	}
	return string(b), nil
}

// prune applies a comp selection to a component tree.
func prune(c *goical.Component, s *compSel) *goical.Component {
	out := &goical.Component{Name: c.Name, Props: goical.Props{}}
	for name, ps := range c.Props {
		if s.allProps || s.props[name] {
			out.Props[name] = ps
		}
	}
	for _, k := range c.Children {
		if s.allComps {
			out.Children = append(out.Children, k)
			continue
		}
		for _, sub := range s.comps {
			if sub.name == k.Name {
				out.Children = append(out.Children, prune(k, sub))
				break
			}
		}
	}
	return out
}

// textSize is about the size of a component as iCalendar text, before
// folding: what one occurrence of it adds to an expanded answer.
func textSize(c *goical.Component) int {
	n := 2*len(c.Name) + 16
	for name, ps := range c.Props {
		for _, p := range ps {
			n += len(name) + len(p.Value) + 3
			for k, vs := range p.Params {
				for _, v := range vs {
					n += len(k) + len(v) + 2
				}
			}
		}
	}
	for _, k := range c.Children {
		n += textSize(k)
	}
	return n
}

func cloneComponent(c *goical.Component) *goical.Component {
	out := &goical.Component{Name: c.Name, Props: make(goical.Props, len(c.Props))}
	for k, v := range c.Props {
		out.Props[k] = append([]goical.Prop(nil), v...)
	}
	for _, k := range c.Children {
		out.Children = append(out.Children, cloneComponent(k))
	}
	return out
}

func setTime(c *goical.Component, name string, t time.Time, wall, date bool) {
	p := goical.NewProp(name)
	switch {
	case date:
		p.Params.Set("VALUE", "DATE")
		p.Value = t.Format("20060102")
	case wall:
		p.Value = t.Format("20060102T150405")
	default:
		p.Value = t.UTC().Format("20060102T150405Z")
	}
	c.Props.Set(p)
}

// ridKey identifies an occurrence by its RECURRENCE-ID, in UTC (wall clock
// for floating and all-day objects).
func ridKey(p *goical.Prop, wall bool, loc *time.Location) (int64, bool) {
	if wall {
		t, ok := parseICalTime(p.Value, "", time.UTC)
		return t.Unix(), ok
	}
	t, ok := parseICalTime(p.Value, p.Params.Get("TZID"), loc)
	return t.Unix(), ok
}

// expandObject turns a recurring object into its occurrences in range
// (RFC 4791 §9.6.5): one component per occurrence with a RECURRENCE-ID, in
// UTC, without RRULE, RDATE, EXDATE or VTIMEZONE. It returns nil when the
// occurrences would take more than room bytes, counted before encoding
// them.
func (h *handler) expandObject(obj *ical.Object, tr *timeRange, loc *time.Location, room int) *goical.Component {
	root := &goical.Component{Name: "VCALENDAR", Props: goical.Props{}}
	for _, name := range []string{"VERSION", "PRODID", "CALSCALE"} {
		if ps := obj.Cal.Props.Values(name); len(ps) > 0 {
			root.Props[name] = ps
		}
	}
	// The RECURRENCE-ID is of the series' kind; DTSTART and DTEND of
	// each occurrence's own (an override may be timed in an all-day
	// series, or the reverse).
	wall := obj.Wall()
	lim := h.opts.Limits
	lim.MaxInstances = h.opts.MaxExpand
	ins, _ := obj.ExpandIn(context.Background(), tr.from(), tr.to(), loc, lim) // bounded by lim.MaxWork
	recurring := isRecurring(obj)
	overrides := map[int64]*goical.Component{}
	for _, o := range obj.Overrides {
		if k, ok := ridKey(o.Props.Get("RECURRENCE-ID"), wall, loc); ok {
			overrides[k] = o
		}
	}
	date := isDate(obj.Master)
	sizes := map[*goical.Component]int{}
	for _, in := range ins {
		base := obj.Master
		if in.Override || base == nil {
			if o := overrides[in.RecurrenceID.Unix()]; o != nil {
				base = o
			}
		}
		if base == nil {
			continue
		}
		if size, ok := sizes[base]; ok {
			room -= size
		} else {
			sizes[base] = textSize(base)
			room -= sizes[base]
		}
		if room < 0 {
			return nil
		}
		c := cloneComponent(base)
		for _, name := range []string{"RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "DTSTART", "DTEND", "DURATION", "DUE"} {
			c.Props.Del(name)
		}
		endName := "DTEND"
		if c.Name == "VTODO" {
			endName = "DUE"
		}
		ownWall, ownDate := wall != in.OtherKind, date
		if in.OtherKind {
			ownDate = isDate(base)
		}
		setTime(c, "DTSTART", in.Start, ownWall, ownDate)
		if !in.End.Equal(in.Start) || base.Props.Get("DTEND") != nil || base.Props.Get("DUE") != nil {
			setTime(c, endName, in.End, ownWall, ownDate)
		}
		if recurring && !in.RecurrenceID.IsZero() {
			setTime(c, "RECURRENCE-ID", in.RecurrenceID, wall, date)
		}
		root.Children = append(root.Children, c)
	}
	return root
}

// isDate reports whether a component starts on a DATE (all day).
func isDate(c *goical.Component) bool {
	if c == nil {
		return false
	}
	p := c.Props.Get("DTSTART")
	return p != nil && (strings.EqualFold(p.Params.Get("VALUE"), "DATE") || len(strings.TrimSpace(p.Value)) == 8)
}

// limitSet keeps the master and the overrides that concern the range
// (RFC 4791 §9.6.6).
func limitSet(obj *ical.Object, tr *timeRange, loc *time.Location) *goical.Component {
	root := &goical.Component{Name: "VCALENDAR", Props: obj.Cal.Props}
	for _, k := range obj.Cal.Children {
		if k.Props.Get("RECURRENCE-ID") == nil || k.Name == "VTIMEZONE" {
			root.Children = append(root.Children, k)
			continue
		}
		rid, ok1 := parseICalTime(k.Props.Get("RECURRENCE-ID").Value, k.Props.Get("RECURRENCE-ID").Params.Get("TZID"), loc)
		st := rid
		if p := k.Props.Get("DTSTART"); p != nil {
			st, _ = parseICalTime(p.Value, p.Params.Get("TZID"), loc)
		}
		if (ok1 && !rid.Before(tr.from()) && rid.Before(tr.to())) || (!st.Before(tr.from()) && st.Before(tr.to())) {
			root.Children = append(root.Children, k)
		}
	}
	return root
}
