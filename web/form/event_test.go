package form

import (
	"net/url"
	"testing"
)

// The recurrence fields map to an RRULE; nothing typed reaches it as text.
func TestEventRule(t *testing.T) {
	for _, c := range []struct {
		start, clock string
		set          url.Values
		want         string
		field        string // the field refused, if any
	}{
		{"2026-07-28", "20h30", url.Values{"freq": {"MONTHLY"}, "month_mode": {"weekday"}}, "FREQ=MONTHLY;BYDAY=4TU", ""},
		// The 29th is a fifth Wednesday: "the last Wednesday", which every month has.
		{"2026-07-29", "20 h 30", url.Values{"freq": {"MONTHLY"}, "month_mode": {"weekday"}}, "FREQ=MONTHLY;BYDAY=-1WE", ""},
		{"2026-07-29", "20:30", url.Values{"freq": {"WEEKLY"}, "interval": {"2"}, "day": {"SU", "MO"}}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU", ""},
		{"2026-07-29", "20:30", url.Values{"freq": {"YEARLY"}, "ends": {"until"}, "until": {"2026-07-01"}}, "", "until"},
		{"2026-07-29", "20:30", url.Values{"freq": {"DAILY"}, "interval": {"0"}}, "", "interval"},
		{"2026-07-29", "20:30", url.Values{"freq": {"DAILY"}, "ends": {"sometime"}}, "", "ends"},
		{"2026-07-29", "20:30", url.Values{"freq": {"MONTHLY"}, "month_mode": {"BYSETPOS=1"}}, "", "month_mode"},
	} {
		v := url.Values{"title": {"x"}, "start_date": {c.start}, "start_time": {c.clock}}
		for k, x := range c.set {
			v[k] = x
		}
		f := NewEvent(v)
		errs := f.Validate(nil)
		if c.field != "" {
			if _, ok := errs[c.field]; !ok {
				t.Errorf("%v: no error on %s (%v)", c.set, c.field, errs)
			}
			continue
		}
		if len(errs) > 0 || f.RRule != c.want {
			t.Errorf("%v: RRULE %q, errors %v; want %q", c.set, f.RRule, errs, c.want)
		}
	}
}
