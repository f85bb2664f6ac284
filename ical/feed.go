package ical

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"
)

// FeedOptions describes a published feed.
type FeedOptions struct {
	// Name and Description become NAME / X-WR-CALNAME and
	// DESCRIPTION / X-WR-CALDESC.
	Name, Description string
	// Timezone is the IANA zone of the feed (X-WR-TIMEZONE), if any.
	Timezone string
	// RefreshInterval is how often subscribers should fetch the feed again
	// (REFRESH-INTERVAL and X-PUBLISHED-TTL); default one hour.
	RefreshInterval time.Duration
}

// WriteFeed writes one public VCALENDAR holding the stored objects: their
// components are kept (master and overrides, so recurrences and their
// exceptions survive) with only what the public may see of them (see
// publicComponents: an allow-list of properties, parameters and link
// schemes, and no private occurrence), each VTIMEZONE is written once (the first
// one met for a TZID), and a zone used without a VTIMEZONE (an IANA or
// Windows name) gets one generated from Go's zone data from the first year
// it is used. Objects that cannot be decoded are left out, so one bad row
// does not take a feed down, and so is an object whose UID was already
// written; only write errors are returned.
func WriteFeed(w io.Writer, objects [][]byte, opt FeedOptions) error {
	cal := goical.NewCalendar()
	setProp(cal.Component, goical.PropVersion, nil, "2.0")
	setProp(cal.Component, goical.PropProductID, nil, prodID)
	setProp(cal.Component, goical.PropCalendarScale, nil, "GREGORIAN")
	setProp(cal.Component, goical.PropMethod, nil, "PUBLISH")
	if opt.Name != "" {
		setProp(cal.Component, "NAME", nil, escapeText(opt.Name))
		setProp(cal.Component, "X-WR-CALNAME", nil, escapeText(opt.Name))
	}
	if opt.Description != "" {
		setProp(cal.Component, goical.PropDescription, nil, escapeText(opt.Description))
		setProp(cal.Component, "X-WR-CALDESC", nil, escapeText(opt.Description))
	}
	if opt.Timezone != "" {
		if _, ok := loadIANA(opt.Timezone); ok {
			setProp(cal.Component, "X-WR-TIMEZONE", nil, opt.Timezone)
		}
	}
	refresh := opt.RefreshInterval
	if refresh <= 0 {
		refresh = time.Hour
	}
	ttl := fmt.Sprintf("PT%dS", int64(refresh/time.Second))
	if refresh%time.Hour == 0 {
		ttl = fmt.Sprintf("PT%dH", int64(refresh/time.Hour))
	} else if refresh%time.Minute == 0 {
		ttl = fmt.Sprintf("PT%dM", int64(refresh/time.Minute))
	}
	setProp(cal.Component, goical.PropRefreshInterval, goical.Params{goical.ParamValue: {"DURATION"}}, ttl)
	setProp(cal.Component, "X-PUBLISHED-TTL", nil, ttl)

	tzs := map[string]*goical.Component{}
	used := map[string]int{} // TZID -> first year used
	var comps []*goical.Component
	seenUID := map[string]bool{}
	for _, data := range objects {
		lim := Limits{MaxBytes: len(data) + 1}
		cals, err := decodeAll(data, lim)
		if err != nil {
			continue
		}
		// The same UID twice (one event in two calendars of an agenda)
		// would make an invalid feed: the first one wins.
		uids := map[string]bool{}
		dup := false
		for _, c := range cals {
			for _, child := range c.Children {
				if uid := strings.TrimSpace(text(child, goical.PropUID)); uid != "" && child.Name != goical.CompTimezone {
					uids[uid] = true
					dup = dup || seenUID[uid]
				}
			}
		}
		if dup {
			continue
		}
		for uid := range uids {
			seenUID[uid] = true
		}
		var objComps []*goical.Component
		for _, c := range cals {
			for _, child := range c.Children {
				if child.Name == goical.CompTimezone {
					if p := child.Props.Get(goical.PropTimezoneID); p != nil {
						id := strings.TrimSpace(p.Value)
						if _, ok := tzs[id]; !ok {
							tzs[id] = publicTimezone(child)
						}
					}
					continue
				}
				objComps = append(objComps, child)
			}
		}
		for _, child := range publicComponents(objComps) {
			noteTZIDs(child, used)
			comps = append(comps, child)
		}
	}
	ids := make([]string, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		// An IANA zone is written from Go's zone data, from the year before
		// the first date that uses it (so that a January start is covered
		// by the previous autumn's onset): a definition stored with one
		// object may start years after another object's first date. Other
		// names keep the definition their file carried.
		loc, iana := loadIANA(id)
		if tz := tzs[id]; tz != nil && !iana {
			cal.Children = append(cal.Children, tz)
			continue
		}
		if !iana {
			var err error
			if loc, err = ResolveTZID(id, nil); err != nil {
				continue
			}
		}
		if loc == time.UTC {
			continue
		}
		gen, err := VTimezone(loc.String(), used[id]-1)
		if err != nil {
			continue
		}
		cp := *gen
		cp.Props = goical.Props{}
		for k, v := range gen.Props {
			cp.Props[k] = v
		}
		setProp(&cp, goical.PropTimezoneID, nil, id)
		cal.Children = append(cal.Children, &cp)
	}
	cal.Children = append(cal.Children, comps...)
	return writeTo(w, cal.Component)
}

// noteTZIDs records the TZIDs a component uses with the earliest year.
func noteTZIDs(c *goical.Component, used map[string]int) {
	stack := []*goical.Component{c}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, props := range c.Props {
			for _, p := range props {
				id := strings.TrimSpace(p.Params.Get(goical.PropTimezoneID))
				if id == "" {
					continue
				}
				year := 9999
				if len(p.Value) >= 4 {
					if y, err := strconv.Atoi(p.Value[:4]); err == nil {
						year = y
					}
				}
				if y, ok := used[id]; !ok || year < y {
					used[id] = year
				}
			}
		}
		stack = append(stack, c.Children...)
	}
}
