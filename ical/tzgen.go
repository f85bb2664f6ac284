package ical

import (
	"fmt"
	"sync"
	"time"

	goical "github.com/emersion/go-ical"
)

// lastRuleYear is the year up to which zone transitions are examined when a
// VTIMEZONE is generated; yearly rules still in force then are written
// without UNTIL and so go on for ever.
const lastRuleYear = 2037

var vtzCache sync.Map // "name|year" -> *goical.Component

// VTimezone returns a VTIMEZONE for an IANA zone, generated from Go's zone
// data, valid from the start of fromYear on: yearly rules become RRULEs (the
// one in force today without end), one-off changes become single
// observances. The component is shared: copy it before changing it.
func VTimezone(name string, fromYear int) (*goical.Component, error) {
	loc, ok := loadIANA(name)
	if !ok {
		return nil, invalidf("TZID", "%q is not an IANA time zone", clip(name))
	}
	if fromYear < 1970 {
		fromYear = 1970
	}
	if fromYear > lastRuleYear-1 {
		fromYear = lastRuleYear - 1
	}
	key := fmt.Sprintf("%s|%d", name, fromYear)
	if v, ok := vtzCache.Load(key); ok {
		return v.(*goical.Component), nil
	}
	c := buildVTimezone(name, loc, fromYear)
	vtzCache.Store(key, c)
	return c, nil
}

type zoneChange struct {
	at         time.Time // instant of the change
	from, to   int
	isDST      bool
	abbr       string
	local      time.Time // wall clock before the change, as UTC reading
	nth, month int
	weekday    time.Weekday
	last       bool
}

func zoneTransitions(loc *time.Location, fromYear int) []zoneChange {
	var out []zoneChange
	t := time.Date(fromYear, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(lastRuleYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	_, off := t.In(loc).Zone()
	for t.Before(end) {
		n := t.Add(24 * time.Hour)
		_, noff := n.In(loc).Zone()
		if noff != off || n.In(loc).IsDST() != t.In(loc).IsDST() {
			lo, hi := t, n
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				_, moff := mid.In(loc).Zone()
				if moff == off && mid.In(loc).IsDST() == t.In(loc).IsDST() {
					lo = mid
				} else {
					hi = mid
				}
			}
			abbr, to := hi.In(loc).Zone()
			wall := hi.Add(time.Duration(off) * time.Second).UTC()
			dim := time.Date(wall.Year(), wall.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
			out = append(out, zoneChange{
				at: hi, from: off, to: to, isDST: hi.In(loc).IsDST(), abbr: abbr, local: wall,
				nth: (wall.Day()-1)/7 + 1, month: int(wall.Month()), weekday: wall.Weekday(), last: wall.Day()+7 > dim,
			})
			off = noff
		}
		t = n
	}
	return out
}

var icalWeekday = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

func fmtOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	if off%60 != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, off/3600, off/60%60, off%60)
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
}

func buildVTimezone(name string, loc *time.Location, fromYear int) *goical.Component {
	vtz := goical.NewComponent(goical.CompTimezone)
	vtz.Props.Set(&goical.Prop{Name: goical.PropTimezoneID, Params: goical.Params{}, Value: name})
	changes := zoneTransitions(loc, fromYear)
	if len(changes) == 0 {
		start := time.Date(fromYear, 1, 1, 0, 0, 0, 0, loc)
		abbr, off := start.Zone()
		obs := goical.NewComponent(goical.CompTimezoneStandard)
		setProp(obs, goical.PropDateTimeStart, nil, fmt.Sprintf("%04d0101T000000", fromYear))
		setProp(obs, goical.PropTimezoneOffsetFrom, nil, fmtOffset(off))
		setProp(obs, goical.PropTimezoneOffsetTo, nil, fmtOffset(off))
		setProp(obs, goical.PropTimezoneName, nil, escapeText(abbr))
		vtz.Children = append(vtz.Children, obs)
		return vtz
	}
	// Group yearly changes that follow one rule into runs.
	type run struct {
		first, last zoneChange
		count       int
		allLast     bool
		nth         int
	}
	var runs []*run
	open := map[string]*run{}
	for _, ch := range changes {
		key := fmt.Sprintf("%v|%d|%d|%s|%d|%d|%s", ch.isDST, ch.from, ch.to, ch.abbr, ch.month, ch.weekday, ch.local.Format("150405"))
		r := open[key]
		if r != nil && r.last.local.Year() == ch.local.Year()-1 && ((r.allLast && ch.last) || (r.nth != 0 && r.nth == ch.nth)) {
			r.allLast = r.allLast && ch.last
			if r.nth != ch.nth {
				r.nth = 0
			}
			r.last = ch
			r.count++
			continue
		}
		r = &run{first: ch, last: ch, count: 1, allLast: ch.last, nth: ch.nth}
		open[key] = r
		runs = append(runs, r)
	}
	for _, r := range runs {
		kind := goical.CompTimezoneStandard
		if r.first.isDST {
			kind = goical.CompTimezoneDaylight
		}
		obs := goical.NewComponent(kind)
		setProp(obs, goical.PropDateTimeStart, nil, r.first.local.Format(layoutDateTime))
		setProp(obs, goical.PropTimezoneOffsetFrom, nil, fmtOffset(r.first.from))
		setProp(obs, goical.PropTimezoneOffsetTo, nil, fmtOffset(r.first.to))
		setProp(obs, goical.PropTimezoneName, nil, escapeText(r.first.abbr))
		if r.count > 1 {
			day := fmt.Sprintf("%d%s", r.nth, icalWeekday[r.first.weekday])
			if r.allLast {
				day = "-1" + icalWeekday[r.first.weekday]
			}
			rule := fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%s", r.first.month, day)
			if r.last.local.Year() < lastRuleYear {
				rule += ";UNTIL=" + r.last.at.UTC().Format(layoutDateTime+"Z")
			}
			setProp(obs, goical.PropRecurrenceRule, nil, rule)
		}
		vtz.Children = append(vtz.Children, obs)
	}
	return vtz
}

func setProp(c *goical.Component, name string, params goical.Params, value string) {
	if params == nil {
		params = goical.Params{}
	}
	c.Props.Set(&goical.Prop{Name: name, Params: params, Value: value})
}

func addProp(c *goical.Component, name string, params goical.Params, value string) {
	if params == nil {
		params = goical.Params{}
	}
	c.Props.Add(&goical.Prop{Name: name, Params: params, Value: value})
}
