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
// parts are ignored. It also returns the rule's cost (see ruleCost), and
// refuses rules that can never occur.
func parseRRule(value string, dtstart time.Time, loc *time.Location) (*rrule.ROption, int, *Error) {
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
		return nil, 0, invalidf("RRULE", "RRULE %q is not a valid recurrence rule (%v)", clip(value), err)
	}
	if opt.Count < 0 {
		return nil, 0, invalidf("RRULE", "RRULE %q has a negative COUNT", clip(value))
	}
	if opt.Interval < 0 {
		return nil, 0, invalidf("RRULE", "RRULE %q has a negative INTERVAL", clip(value))
	}
	if until != "" {
		if opt.Count > 0 {
			return nil, 0, invalidf("RRULE", "RRULE %q has both COUNT and UNTIL; use one", clip(value))
		}
		u, uerr := parseDT("UNTIL", until, "", "", nil)
		if uerr != nil {
			return nil, 0, invalidf("RRULE", "RRULE %q: UNTIL %q is not a DATE or DATE-TIME", clip(value), clip(until))
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
		return nil, 0, invalidf("RRULE", "RRULE %q can never occur (no such day in the months given)", clip(value))
	}
	opt.Dtstart = dtstart
	cost, msg := ruleCost(opt)
	if msg != "" {
		return nil, 0, invalidf("RRULE", "RRULE %q can never occur (%s)", clip(value), msg)
	}
	return opt, cost, nil
}

// ruleCost bounds the work rrule-go does to find the next occurrence of
// opt, in candidates examined (days checked against the BY rules of a
// period, and for HOURLY, MINUTELY and SECONDLY rules, steps of INTERVAL),
// or says why the rule never occurs ("" when it may). rrule-go walks the
// periods of FREQ one by one until one yields an occurrence, up to the year
// 9999, with no other exit and no way to stop it: the caller charges this
// cost for each occurrence it asks for and stops before its budget is
// spent. The bound may be low by a small factor where the day test is
// loosened (see longestMiss) and for rules whose INTERVAL skips the only
// matching days; rrule-go's own walk to the year 9999 bounds those.
func ruleCost(opt *rrule.ROption) (int, string) {
	interval := max(opt.Interval, 1)
	st := opt.Dtstart
	// Time of day, for periods shorter than a day.
	steps := 0
	var hours [24]bool
	var mins, secs [60]bool
	// Values out of range are refused by rrule-go's NewRRule afterwards.
	for _, v := range opt.Byhour {
		if v >= 0 && v < 24 {
			hours[v] = true
		}
	}
	for _, v := range opt.Byminute {
		if v >= 0 && v < 60 {
			mins[v] = true
		}
	}
	for _, v := range opt.Bysecond {
		if v >= 0 && v < 60 {
			secs[v] = true
		}
	}
	anyH, anyM, anyS := len(opt.Byhour) == 0, len(opt.Byminute) == 0, len(opt.Bysecond) == 0
	var ok bool
	switch opt.Freq {
	case rrule.HOURLY:
		steps, ok = stepGap(24, st.Hour(), interval, func(x int) bool { return anyH || hours[x] })
		if !ok {
			return 0, "its INTERVAL never reaches the BYHOUR given"
		}
	case rrule.MINUTELY:
		steps, ok = stepGap(1440, st.Hour()*60+st.Minute(), interval, func(x int) bool {
			return (anyH || hours[x/60]) && (anyM || mins[x%60])
		})
		if !ok {
			return 0, "its INTERVAL never reaches the BYHOUR and BYMINUTE given"
		}
	case rrule.SECONDLY:
		steps, ok = stepGap(86400, st.Hour()*3600+st.Minute()*60+st.Second(), interval, func(x int) bool {
			return (anyH || hours[x/3600]) && (anyM || mins[x/60%60]) && (anyS || secs[x%60])
		})
		if !ok {
			return 0, "its INTERVAL never reaches the BYHOUR, BYMINUTE and BYSECOND given"
		}
	}
	// BYSETPOS picks among the candidate times of one period; rrule-go
	// skips a position past their number, and finds nothing in any period
	// when every position is.
	if len(opt.Bysetpos) > 0 {
		size := setSize(opt)
		fits := false
		for _, p := range opt.Bysetpos {
			if p <= size && -p <= size {
				fits = true
			}
		}
		if !fits {
			return 0, fmt.Sprintf("BYSETPOS asks for a position past the %d candidate times of one %s period", size, strings.ToLower(opt.Freq.String()))
		}
	}
	// A rule that steps by whole weeks stays on DTSTART's weekday.
	unit := map[rrule.Frequency]int{rrule.DAILY: 86400, rrule.HOURLY: 3600, rrule.MINUTELY: 60, rrule.SECONDLY: 1}[opt.Freq]
	if unit > 0 && len(opt.Byweekday) > 0 && (interval*unit)%(7*86400) == 0 {
		if weekdayGap(opt.Byweekday) > 0 && !hasWeekday(opt.Byweekday, st.Weekday()) {
			return 0, "its INTERVAL is a whole number of weeks from a DTSTART on a day BYDAY leaves out"
		}
	}
	// Days: rrule-go adds the day of DTSTART as a filter to YEARLY,
	// MONTHLY and WEEKLY rules without one.
	f := *opt
	if len(f.Byweekno) == 0 && len(f.Byyearday) == 0 && len(f.Bymonthday) == 0 && len(f.Byweekday) == 0 && len(f.Byeaster) == 0 {
		switch f.Freq {
		case rrule.YEARLY:
			if len(f.Bymonth) == 0 {
				f.Bymonth = []int{int(st.Month())}
			}
			f.Bymonthday = []int{st.Day()}
		case rrule.MONTHLY:
			f.Bymonthday = []int{st.Day()}
		case rrule.WEEKLY:
			f.Byweekday = []rrule.Weekday{weekdays[st.Weekday()]}
		}
	}
	gap := 0
	switch n := dayFilters(&f); {
	case len(f.Byeaster) > 0:
		gap = 146097 // not bounded here: assume a whole 400-year cycle
	case n == 0:
	case n == 1 && len(f.Byweekday) > 0:
		gap = weekdayGap(f.Byweekday)
	case n == 1 && len(f.Bymonthday) > 0:
		gap = 62 // the longest wait for a day of the month: 31 January to 31 March
	default:
		if gap, ok = longestMiss(&f); !ok {
			return 0, "no day in 400 years matches all its BY rules"
		}
	}
	switch opt.Freq {
	case rrule.YEARLY:
		return gap + 366, ""
	case rrule.MONTHLY:
		return gap + 31, ""
	case rrule.WEEKLY:
		return gap + 7, ""
	case rrule.DAILY:
		return gap + 1, ""
	}
	// Each day refused costs one period and the steps to the next time of
	// day allowed.
	return (gap + 1) * (steps + 2), ""
}

// spent bounds the work rrule-go did to go from the occurrence prev to the
// next one, t, of a rule of that cost: one step of INTERVAL per period
// between them for HOURLY, MINUTELY and SECONDLY rules, one day checked per
// day between them otherwise, and never more than cost.
func spent(opt *rrule.ROption, cost int, prev, t time.Time) int {
	d := t.Sub(prev)
	interval := time.Duration(max(opt.Interval, 1))
	var n time.Duration
	switch opt.Freq {
	case rrule.HOURLY:
		n = d/time.Hour/interval + 2
	case rrule.MINUTELY:
		n = d/time.Minute/interval + 2
	case rrule.SECONDLY:
		n = d/time.Second/interval + 2
	default:
		n = d/(24*time.Hour) + 1
	}
	return int(min(max(n, 1), time.Duration(cost)))
}

var weekdays = [7]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}

// stepGap walks the times of day x0, x0+interval, ... (modulo period, in
// the unit of FREQ) that a rule of that INTERVAL visits, and returns the
// longest run of them that allowed refuses, and whether it allows any.
func stepGap(period, x0, interval int, allowed func(int) bool) (int, bool) {
	n := period / gcd(interval%period+period, period)
	stride := interval % period
	gap, run, first, found := 0, 0, 0, false
	for i, x := 0, x0%period; i < n; i, x = i+1, (x+stride)%period {
		if !allowed(x) {
			run++
			continue
		}
		if !found {
			first, found = run, true
		}
		gap, run = max(gap, run), 0
	}
	return max(gap, run+first), found
}

// weekdayGap is the longest run of days that a BYDAY list refuses, ordinals
// ignored.
func weekdayGap(days []rrule.Weekday) int {
	var in [7]bool
	for _, w := range days {
		in[w.Day()] = true
	}
	gap, run := 0, 0
	for i := 0; i < 14; i++ {
		if in[i%7] {
			run = 0
			continue
		}
		run++
		gap = max(gap, run)
	}
	return min(gap, 6)
}

func hasWeekday(days []rrule.Weekday, d time.Weekday) bool {
	for _, w := range days {
		if w.Day() == weekdays[d].Day() {
			return true
		}
	}
	return false
}

// setSize is the largest number of candidate times one period of opt
// holds, among which BYSETPOS picks.
func setSize(opt *rrule.ROption) int {
	n := func(l []int) int { return max(len(l), 1) }
	times := 1
	switch opt.Freq {
	case rrule.HOURLY:
		times = n(opt.Byminute) * n(opt.Bysecond)
	case rrule.MINUTELY:
		times = n(opt.Bysecond)
	case rrule.SECONDLY:
	default:
		times = n(opt.Byhour) * n(opt.Byminute) * n(opt.Bysecond)
	}
	switch opt.Freq {
	case rrule.YEARLY:
		return 366 * times
	case rrule.MONTHLY:
		return 31 * times
	case rrule.WEEKLY:
		return 7 * times
	}
	return times
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// dayFilters counts the BY rules of opt that filter days.
func dayFilters(opt *rrule.ROption) int {
	filters := 0
	for _, n := range []int{len(opt.Bymonth), len(opt.Bymonthday), len(opt.Byyearday), len(opt.Byweekno), len(opt.Byweekday)} {
		if n > 0 {
			filters++
		}
	}
	return filters
}

// longestMiss returns the longest run of consecutive days that the day
// filters of opt refuse, over 400 years from DTSTART (one full cycle of the
// Gregorian calendar, so the run that ends the cycle joins the one that
// starts it), and whether any day matches. Its test may accept days
// rrule-go refuses (BYDAY ordinals and week numbering are loosened) but
// never refuses a day it would accept.
func longestMiss(opt *rrule.ROption) (gap int, found bool) {
	st := opt.Dtstart
	// Flat tables: this loop runs 146 097 times, so it must stay cheap.
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
	run, first := 0, 0
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
				run += dim
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
				if !ok {
					run++
					continue
				}
				if !found {
					first, found = run, true
				}
				gap, run = max(gap, run), 0
			}
		}
	}
	if !found {
		return 0, false
	}
	return max(gap, run+first), true
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
