package ical

import (
	"fmt"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// parseRRule parses an RRULE value for a series starting at dtstart (whose
// location is the series' zone). UNTIL is read here rather than by rrule-go:
// a UTC value is an instant; a DATE-TIME without Z is read in the series'
// zone; a DATE on a DATE-TIME series means the end of that day there (a
// common client mistake, read the way the person meant it). Unknown X- rule
// parts are ignored.
func parseRRule(value string, dtstart time.Time, loc *time.Location) (*rrule.ROption, *Error) {
	v := strings.ToUpper(strings.TrimSpace(value))
	v = strings.TrimPrefix(v, "RRULE:")
	var parts []string
	var until string
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
			continue
		case strings.HasPrefix(part, "UNTIL="):
			until = strings.TrimPrefix(part, "UNTIL=")
		case strings.HasPrefix(part, "X-"):
			continue
		default:
			parts = append(parts, part)
		}
	}
	opt, err := rrule.StrToROptionInLocation(strings.Join(parts, ";"), loc)
	if err != nil {
		return nil, invalidf("RRULE", "RRULE %q is not a valid recurrence rule (%v)", clip(value), err)
	}
	if opt.Count < 0 {
		return nil, invalidf("RRULE", "RRULE %q has a negative COUNT", clip(value))
	}
	if opt.Interval < 0 {
		return nil, invalidf("RRULE", "RRULE %q has a negative INTERVAL", clip(value))
	}
	if until != "" {
		if opt.Count > 0 {
			return nil, invalidf("RRULE", "RRULE %q has both COUNT and UNTIL; use one", clip(value))
		}
		u, uerr := parseDT("UNTIL", until, "", "", nil)
		if uerr != nil {
			return nil, invalidf("RRULE", "RRULE %q: UNTIL %q is not a DATE or DATE-TIME", clip(value), clip(until))
		}
		switch {
		case u.kind == dtUTC:
			opt.Until = u.t
		case u.kind == dtDate && dtstart.Location() == time.UTC && dtstart.Hour() == 0 && dtstart.Minute() == 0 && dtstart.Second() == 0:
			opt.Until = u.t
		case u.kind == dtDate:
			y, m, d := u.t.Date()
			opt.Until = time.Date(y, m, d, 23, 59, 59, 0, loc)
		default:
			y, m, d := u.t.Date()
			opt.Until = time.Date(y, m, d, u.t.Hour(), u.t.Minute(), u.t.Second(), 0, loc)
		}
	}
	if impossible(opt) {
		return nil, invalidf("RRULE", "RRULE %q can never occur (no such day in the months given)", clip(value))
	}
	opt.Dtstart = dtstart
	if msg := infeasible(opt); msg != "" {
		return nil, invalidf("RRULE", "RRULE %q can never occur (%s)", clip(value), msg)
	}
	return opt, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func intsOr(l []int, n int) []int {
	if len(l) > 0 {
		return l
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// infeasible catches the rules rrule-go would search for a long time or,
// for HOURLY, MINUTELY and SECONDLY rules whose INTERVAL never reaches the
// BYHOUR, BYMINUTE or BYSECOND given, for ever (its inner loop has no
// other exit). It returns why the rule never occurs, or "".
//
// Day filters are checked over 400 years from DTSTART, one full cycle of
// the Gregorian calendar, with a test that may accept days rrule-go
// refuses (BYDAY ordinals and week numbering are loosened) but never
// refuses a day it would accept.
func infeasible(opt *rrule.ROption) string {
	interval := opt.Interval
	if interval < 1 {
		interval = 1
	}
	st := opt.Dtstart
	reach := func(period, x0 int, values func(func(int) bool) bool) bool {
		g := gcd(interval, period)
		return values(func(v int) bool { return ((v-x0)%g+g)%g == 0 })
	}
	switch opt.Freq {
	case rrule.HOURLY:
		if len(opt.Byhour) > 0 && !reach(24, st.Hour(), func(ok func(int) bool) bool {
			for _, h := range opt.Byhour {
				if ok(h) {
					return true
				}
			}
			return false
		}) {
			return "its INTERVAL never reaches the BYHOUR given"
		}
	case rrule.MINUTELY:
		if (len(opt.Byhour) > 0 || len(opt.Byminute) > 0) && !reach(1440, st.Hour()*60+st.Minute(), func(ok func(int) bool) bool {
			for _, h := range intsOr(opt.Byhour, 24) {
				for _, m := range intsOr(opt.Byminute, 60) {
					if ok(h*60 + m) {
						return true
					}
				}
			}
			return false
		}) {
			return "its INTERVAL never reaches the BYHOUR and BYMINUTE given"
		}
	case rrule.SECONDLY:
		if (len(opt.Byhour) > 0 || len(opt.Byminute) > 0 || len(opt.Bysecond) > 0) && !reach(86400, st.Hour()*3600+st.Minute()*60+st.Second(), func(ok func(int) bool) bool {
			for _, h := range intsOr(opt.Byhour, 24) {
				for _, m := range intsOr(opt.Byminute, 60) {
					for _, sec := range intsOr(opt.Bysecond, 60) {
						if ok(h*3600 + m*60 + sec) {
							return true
						}
					}
				}
			}
			return false
		}) {
			return "its INTERVAL never reaches the BYHOUR, BYMINUTE and BYSECOND given"
		}
	}
	filters := 0
	for _, n := range []int{len(opt.Bymonth), len(opt.Bymonthday), len(opt.Byyearday), len(opt.Byweekno), len(opt.Byweekday)} {
		if n > 0 {
			filters++
		}
	}
	if filters < 2 || len(opt.Byeaster) > 0 {
		return ""
	}
	set := func(l []int) map[int]bool {
		m := make(map[int]bool, len(l))
		for _, v := range l {
			m[v] = true
		}
		return m
	}
	months, mdays, ydays, weeks := set(opt.Bymonth), set(opt.Bymonthday), set(opt.Byyearday), set(opt.Byweekno)
	wdays := map[time.Weekday]bool{}
	for _, w := range opt.Byweekday {
		wdays[time.Weekday((w.Day()+1)%7)] = true
	}
	d := time.Date(st.Year(), 1, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 146097; i++ {
		y, m, day := d.Date()
		dim := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
		ylen := 365
		if time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay() == 366 {
			ylen = 366
		}
		yd := d.YearDay()
		ok := (len(months) == 0 || months[int(m)]) &&
			(len(mdays) == 0 || mdays[day] || mdays[day-dim-1]) &&
			(len(ydays) == 0 || ydays[yd] || ydays[yd-ylen-1]) &&
			(len(wdays) == 0 || wdays[d.Weekday()])
		if ok && len(weeks) > 0 {
			_, w := d.ISOWeek()
			ok = false
			for _, c := range []int{w - 1, w, w + 1, w - 53, w - 54, w - 52} {
				if weeks[c] {
					ok = true
				}
			}
			if yd <= 7 || yd > ylen-7 {
				for _, c := range []int{1, 2, 52, 53, -1, -2, -52, -53} {
					ok = ok || weeks[c]
				}
			}
		}
		if ok {
			return ""
		}
		d = d.AddDate(0, 0, 1)
	}
	return "no day in 400 years matches all its BY rules"
}

// impossible catches rules like BYMONTH=2;BYMONTHDAY=30 that rrule-go
// would search for until the year 9999.
func impossible(opt *rrule.ROption) bool {
	if len(opt.Bymonthday) == 0 {
		return false
	}
	months := opt.Bymonth
	if len(months) == 0 {
		return false
	}
	maxDays := 0
	for _, m := range months {
		n := 31
		switch m {
		case 2:
			n = 29
		case 4, 6, 9, 11:
			n = 30
		}
		if n > maxDays {
			maxDays = n
		}
	}
	for _, d := range opt.Bymonthday {
		if d < 0 {
			d = -d
		}
		if d <= maxDays {
			return false
		}
	}
	return true
}

// newRRule builds a rule, turning a panic of rrule-go into an error.
func newRRule(opt rrule.ROption) (r *rrule.RRule, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return rrule.NewRRule(opt)
}
