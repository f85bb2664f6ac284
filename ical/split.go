package ical

import (
	"strings"

	goical "github.com/emersion/go-ical"
)

// ObjectResult is one object of a split file: its UID, and either the
// parsed object with its own text, or the error that made it unusable.
type ObjectResult struct {
	UID  string
	Obj  *Object
	Data []byte
	Err  error
}

// Split cuts a file of many events (an import, a feed from another tool)
// into calendar objects grouped by UID, in the order of their first
// component. Each object is re-encoded as its own VCALENDAR (VERSION,
// PRODID and CALSCALE of the file; METHOD dropped) with the VTIMEZONEs its
// properties name, then checked with ParseObject. A bad component makes an
// ObjectResult with Err and does not stop the others; components without a
// UID each give an ObjectResult with an empty UID and an error. Several
// VCALENDARs in one file are read as one. The error return is for the file
// as a whole (too large, not iCalendar).
func Split(data []byte, lim Limits) ([]ObjectResult, error) {
	cals, err := decodeAll(data, lim)
	if err != nil {
		return nil, err
	}
	tzs := map[string]*goical.Component{}
	type group struct {
		uid   string
		comps []*goical.Component
		err   error
	}
	var groups []*group
	byUID := map[string]*group{}
	var head *goical.Component
	for _, cal := range cals {
		if head == nil {
			head = cal
		}
		for _, c := range cal.Children {
			switch {
			case c.Name == goical.CompTimezone:
				if p := c.Props.Get(goical.PropTimezoneID); p != nil {
					id := strings.TrimSpace(p.Value)
					if _, ok := tzs[id]; !ok {
						tzs[id] = c
					}
				}
				continue
			case strings.HasPrefix(c.Name, "X-"):
				continue
			}
			uid := strings.TrimSpace(text(c, goical.PropUID))
			if c.Name != goical.CompEvent && c.Name != goical.CompToDo {
				groups = append(groups, &group{uid: uid, err: errorf(KindUnsupportedComponent, c.Name, "%s%s: %s components are not supported; only VEVENT and VTODO are", c.Name, describe(c), c.Name)})
				continue
			}
			if uid == "" {
				groups = append(groups, &group{err: invalidf("UID", "a %s%s has no UID", c.Name, describe(c)).as(CodeNoUID)})
				continue
			}
			g := byUID[uid]
			if g == nil {
				g = &group{uid: uid}
				byUID[uid] = g
				groups = append(groups, g)
			}
			g.comps = append(g.comps, c)
		}
	}
	out := make([]ObjectResult, 0, len(groups))
	for _, g := range groups {
		res := ObjectResult{UID: g.uid, Err: g.err}
		if g.err == nil {
			cal := goical.NewCalendar()
			for _, name := range []string{goical.PropVersion, goical.PropProductID, goical.PropCalendarScale} {
				if p := head.Props.Get(name); p != nil {
					cal.Props.Set(p)
				}
			}
			if cal.Props.Get(goical.PropVersion) == nil {
				setProp(cal.Component, goical.PropVersion, nil, "2.0")
			}
			if cal.Props.Get(goical.PropProductID) == nil {
				setProp(cal.Component, goical.PropProductID, nil, prodID)
			}
			added := map[string]bool{}
			for _, c := range g.comps {
				for _, id := range usedTZIDs(c) {
					if tz := tzs[id]; tz != nil && !added[id] {
						added[id] = true
						cal.Children = append(cal.Children, tz)
					}
				}
			}
			cal.Children = append(cal.Children, g.comps...)
			b, err := Encode(cal)
			if err == nil {
				// The whole file was decoded within the limits already:
				// build the object from the components themselves rather
				// than decoding its text a second time.
				res.Data = b
				res.Obj, err = objectFromCalendar(cal, lim)
				if err == nil {
					res.Obj.Data = b
				}
			}
			if err != nil {
				res.Obj, res.Err = nil, err
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// usedTZIDs lists the TZID parameters of a component and its children.
func usedTZIDs(c *goical.Component) []string {
	var ids []string
	stack := []*goical.Component{c}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, props := range c.Props {
			for _, p := range props {
				if id := p.Params.Get(goical.PropTimezoneID); id != "" {
					ids = append(ids, strings.TrimSpace(id))
				}
			}
		}
		stack = append(stack, c.Children...)
	}
	return ids
}
