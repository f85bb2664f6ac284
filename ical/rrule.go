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
	// Flat tables: this loop runs 146 097 times for a rule that never
	// occurs, so it must stay cheap.
	var months [13]bool
	var mdays [63]bool  // -31..31 at +31
	var ydays [733]bool // -366..366 at +366
	var weeks [107]bool // -53..53 at +53
	var wdays [7]bool   // time.Weekday
	for _, v := range opt.Bymonth {
		if v >= 1 && v <= 12 {
			months[v] = true
		}
	}
	for _, v := range opt.Bymonthday {
		if v >= -31 && v <= 31 {
			mdays[v+31] = true
		}
	}
	for _, v := range opt.Byyearday {
		if v >= -366 && v <= 366 {
			ydays[v+366] = true
		}
	}
	weekOK := func(v int) bool { return v >= -53 && v <= 53 && weeks[v+53] }
	for _, v := range opt.Byweekno {
		if v >= -53 && v <= 53 {
			weeks[v+53] = true
		}
	}
	for _, w := range opt.Byweekday {
		wdays[(w.Day()+1)%7] = true
	}
	hasM, hasMD, hasYD, hasW, hasWD := len(opt.Bymonth) > 0, len(opt.Bymonthday) > 0, len(opt.Byyearday) > 0, len(opt.Byweekno) > 0, len(opt.Byweekday) > 0
	y0 := st.Year()
	wd := int(time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC).Weekday())
	for y := y0; y < y0+400; y++ {
		leap := y%4 == 0 && (y%100 != 0 || y%400 == 0)
		ylen := 365
		if leap {
			ylen = 366
		}
		yd := 0
		for m := 1; m <= 12; m++ {
			dim := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
			if m == 2 && leap {
				dim = 29
			}
			if hasM && !months[m] {
				yd += dim
				wd = (wd + dim) % 7
				continue
			}
			for day := 1; day <= dim; day, yd, wd = day+1, yd+1, (wd+1)%7 {
				ok := (!hasMD || mdays[day+31] || mdays[day-dim-1+31]) &&
					(!hasYD || ydays[yd+1+366] || ydays[yd-ylen+366]) &&
					(!hasWD || wdays[wd])
				if ok && hasW {
					_, w := time.Date(y, time.Month(m), day, 12, 0, 0, 0, time.UTC).ISOWeek()
					ok = weekOK(w-1) || weekOK(w) || weekOK(w+1) || weekOK(w-54) || weekOK(w-53) || weekOK(w-52)
					if yd < 7 || yd >= ylen-7 {
						ok = ok || weekOK(1) || weekOK(2) || weekOK(52) || weekOK(53) || weekOK(-1) || weekOK(-2) || weekOK(-52) || weekOK(-53)
					}
				}
				if ok {
					return ""
				}
			}
		}
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
