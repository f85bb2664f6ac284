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
	return opt, nil
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
