package ical

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db/model"
)

// wrap puts VEVENT lines into a calendar.
func wrap(lines ...string) []byte {
	return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCALENDAR\r\n")
}

func event(lines ...string) []byte {
	return wrap(append(append([]string{"BEGIN:VEVENT", "UID:x@test", "DTSTAMP:20260101T000000Z"}, lines...), "END:VEVENT")...)
}

func mustParse(t *testing.T, data []byte) *Object {
	t.Helper()
	o, err := ParseObject(data, Limits{})
	if err != nil {
		t.Fatalf("ParseObject: %v\n%s", err, data)
	}
	return o
}

func wantKind(t *testing.T, err error, kind Kind, substr string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error of kind %v containing %q, got %v", kind, substr, err)
	}
	if e.Kind != kind {
		t.Errorf("kind = %v, want %v (%v)", e.Kind, kind, err)
	}
	if !strings.Contains(err.Error(), substr) {
		t.Errorf("error %q does not contain %q", err, substr)
	}
	if !strings.HasPrefix(err.Error(), "ical: ") {
		t.Errorf("error %q lacks the ical: prefix", err)
	}
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func TestParseObjectErrors(t *testing.T) {
	cases := []struct {
		name   string
		data   []byte
		kind   Kind
		substr string
	}{
		{"no UID", wrap("BEGIN:VEVENT", "DTSTART:20260301T100000Z", "SUMMARY:Loto", "END:VEVENT"), KindInvalidData, `VEVENT ("Loto") has no UID`},
		{"two UIDs", wrap("BEGIN:VEVENT", "UID:a", "DTSTART:20260301T100000Z", "END:VEVENT", "BEGIN:VEVENT", "UID:b", "DTSTART:20260301T100000Z", "END:VEVENT"), KindInvalidObject, "several UIDs"},
		{"two masters", wrap("BEGIN:VEVENT", "UID:a", "DTSTART:20260301T100000Z", "END:VEVENT", "BEGIN:VEVENT", "UID:a", "DTSTART:20260302T100000Z", "END:VEVENT"), KindInvalidObject, "no RECURRENCE-ID"},
		{"no DTSTART", event("SUMMARY:x"), KindInvalidData, "has no DTSTART"},
		{"DTEND before DTSTART", event("DTSTART;VALUE=DATE:20260302", "DTEND;VALUE=DATE:20260301"), KindInvalidData, "DTEND (2026-03-01) is before DTSTART (2026-03-02)"},
		{"DTEND before DTSTART zoned", event("DTSTART;TZID=Europe/Paris:20260302T100000", "DTEND;TZID=Europe/Paris:20260302T090000"), KindInvalidData, "is before DTSTART"},
		{"DTEND and DURATION", event("DTSTART:20260302T100000Z", "DTEND:20260302T110000Z", "DURATION:PT1H"), KindInvalidData, "both DTEND and DURATION"},
		{"date and date-time", event("DTSTART;VALUE=DATE:20260302", "DTEND:20260303T100000Z"), KindInvalidData, "DTSTART is a DATE but DTEND is a DATE-TIME"},
		{"bad date", event("DTSTART:20261301T100000Z"), KindInvalidData, `DTSTART value "20261301T100000Z"`},
		{"bad date text", event("DTSTART:2026-03-01"), KindInvalidData, "is not a DATE-TIME"},
		{"unknown TZID", event("DTSTART;TZID=Mars/Olympus_Mons:20260302T100000"), KindInvalidData, `TZID "Mars/Olympus_Mons" is neither an IANA time zone`},
		{"VJOURNAL", wrap("BEGIN:VJOURNAL", "UID:j", "DTSTART:20260301T100000Z", "END:VJOURNAL"), KindUnsupportedComponent, "VJOURNAL components are not supported"},
		{"VFREEBUSY", wrap("BEGIN:VFREEBUSY", "UID:j", "END:VFREEBUSY"), KindUnsupportedComponent, "VFREEBUSY"},
		{"mixed", wrap("BEGIN:VEVENT", "UID:a", "DTSTART:20260301T100000Z", "END:VEVENT", "BEGIN:VTODO", "UID:a", "END:VTODO"), KindInvalidObject, "mixes VEVENT and VTODO"},
		{"METHOD", []byte("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260301T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"), KindInvalidObject, "METHOD is not allowed"},
		{"empty calendar", wrap("X-FOO:bar"), KindInvalidObject, "no VEVENT or VTODO"},
		{"bad RRULE", event("DTSTART:20260302T100000Z", "RRULE:FREQ=FORTNIGHTLY"), KindInvalidData, "RRULE"},
		{"RRULE without FREQ", event("DTSTART:20260302T100000Z", "RRULE:COUNT=3"), KindInvalidData, "FREQ"},
		{"impossible RRULE", event("DTSTART:20260302T100000Z", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"), KindInvalidData, "can never occur"},
		{"COUNT and UNTIL", event("DTSTART:20260302T100000Z", "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20260310T000000Z"), KindInvalidData, "both COUNT and UNTIL"},
		{"two RRULEs", event("DTSTART:20260302T100000Z", "RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"), KindInvalidData, "2 RRULE"},
		{"bad EXDATE", event("DTSTART:20260302T100000Z", "RRULE:FREQ=DAILY", "EXDATE:yesterday"), KindInvalidData, "EXDATE"},
		{"negative DURATION", event("DTSTART:20260302T100000Z", "DURATION:-PT1H"), KindInvalidData, "negative"},
		{"bad DURATION", event("DTSTART:20260302T100000Z", "DURATION:1 hour"), KindInvalidData, "not a duration"},
		{"bad STATUS", event("DTSTART:20260302T100000Z", "STATUS:MAYBE"), KindInvalidData, `STATUS "MAYBE"`},
		{"bad GEO", event("DTSTART:20260302T100000Z", "GEO:north;west"), KindInvalidData, "GEO"},
		{"duplicate override", wrap("BEGIN:VEVENT", "UID:a", "DTSTART:20260301T100000Z", "RRULE:FREQ=DAILY", "END:VEVENT",
			"BEGIN:VEVENT", "UID:a", "RECURRENCE-ID:20260302T100000Z", "DTSTART:20260302T110000Z", "END:VEVENT",
			"BEGIN:VEVENT", "UID:a", "RECURRENCE-ID:20260302T100000Z", "DTSTART:20260302T120000Z", "END:VEVENT"), KindInvalidObject, "same occurrence"},
		{"two VCALENDARs", append(event("DTSTART:20260302T100000Z"), event("DTSTART:20260302T100000Z")...), KindInvalidObject, "2 VCALENDAR"},
		{"empty", []byte("  \r\n"), KindInvalidData, "empty"},
		{"not iCalendar", []byte(`{"type":"Event"}`), KindInvalidData, "line 1"},
		{"unclosed", []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n"), KindInvalidData, "never closed"},
		{"wrong END", []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"), KindInvalidData, "END:VTODO does not close BEGIN:VEVENT"},
		{"VCARD", []byte("BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n"), KindInvalidData, "must start with BEGIN:VCALENDAR"},
		{"NUL", event("DTSTART:20260302T100000Z", "SUMMARY:a\x00b"), KindInvalidData, "control character U+0000"},
		{"bad UTF-8", event("DTSTART:20260302T100000Z", "SUMMARY:caf\xe9"), KindInvalidData, "not valid UTF-8"},
		{"0;0=", []byte("0;0="), KindInvalidData, "line 1"},
		{"unterminated quote", event(`DTSTART;TZID="Europe/Paris:20260302T100000`), KindInvalidData, "unterminated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseObject(c.data, Limits{})
			wantKind(t, err, c.kind, c.substr)
		})
	}
}

// hangGuard bounds how long one hostile input may take. It is no
// performance target (benchmarks measure speed): it is generous enough for a
// loaded 2-core machine under the race detector, and still catches an input
// that makes the parser or the expansion run away.
const hangGuard = 20 * time.Second

func TestHostileInputs(t *testing.T) {
	t.Run("deep nesting", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString("BEGIN:VCALENDAR\r\n")
		for i := 0; i < 100000; i++ {
			b.WriteString("BEGIN:X\r\n")
		}
		start := time.Now()
		_, err := Decode(b.Bytes(), Limits{MaxBytes: 10 << 20})
		wantKind(t, err, KindInvalidData, "nested more than 8")
		if d := time.Since(start); d > hangGuard {
			t.Errorf("took %v", d)
		}
	})
	t.Run("64 MB line", func(t *testing.T) {
		big := make([]byte, 64<<20)
		copy(big, "BEGIN:VCALENDAR\r\nSUMMARY:")
		for i := len("BEGIN:VCALENDAR\r\nSUMMARY:"); i < len(big); i++ {
			big[i] = 'a'
		}
		start := time.Now()
		_, err := Decode(big, Limits{})
		wantKind(t, err, KindTooLarge, "more than the limit of 1048576")
		_, err = Decode(big, Limits{MaxBytes: 100 << 20})
		wantKind(t, err, KindInvalidData, "longer than 262144 bytes")
		if d := time.Since(start); d > hangGuard {
			t.Errorf("took %v", d)
		}
	})
	t.Run("folded long line", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("BEGIN:VCALENDAR\r\nX-A:")
		for i := 0; i < 5000; i++ {
			b.WriteString("\r\n 0123456789012345678901234567890123456789012345678901234567890123456789")
		}
		b.WriteString("\r\nEND:VCALENDAR\r\n")
		_, err := Decode([]byte(b.String()), Limits{})
		wantKind(t, err, KindInvalidData, "once unfolded")
	})
	t.Run("too many components", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("BEGIN:VCALENDAR\r\n")
		for i := 0; i < 3000; i++ {
			b.WriteString("BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n")
		}
		b.WriteString("END:VCALENDAR\r\n")
		_, err := Decode([]byte(b.String()), Limits{})
		wantKind(t, err, KindTooLarge, "more than 2000 components")
	})
	t.Run("quadratic parameter", func(t *testing.T) {
		// go-ical's decoder is quadratic in a parameter value's length.
		v := strings.Repeat("a", 200000)
		start := time.Now()
		_, err := ParseObject(event("DTSTART:20260302T100000Z", "X-P;X-Q=\""+v+"\":1"), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > hangGuard {
			t.Errorf("took %v", d)
		}
	})
	t.Run("secondly forever", func(t *testing.T) {
		o := mustParse(t, event("DTSTART:20260302T100000Z", "RRULE:FREQ=SECONDLY"))
		start := time.Now()
		e, err := o.Event(utc(2026, 3, 1, 0, 0), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Instances) != DefaultMaxInstances || !e.InstancesCapped {
			t.Errorf("got %d instances, capped=%v; want %d, capped", len(e.Instances), e.InstancesCapped, DefaultMaxInstances)
		}
		ins, err := o.ExpandRange(utc(2027, 1, 1, 0, 0), utc(2027, 1, 2, 0, 0), Limits{})
		wantKind(t, err, KindTooManyInstances, "more than 200000 occurrences")
		if len(ins) != 0 {
			t.Errorf("got %d instances before 2027, want 0", len(ins))
		}
		ins, err = o.ExpandRange(utc(2026, 3, 2, 10, 0), utc(2026, 3, 3, 10, 0), Limits{})
		wantKind(t, err, KindTooManyInstances, "more than 5000 occurrences")
		if len(ins) != DefaultMaxInstances {
			t.Errorf("got %d instances, want the first %d", len(ins), DefaultMaxInstances)
		}
		if d := time.Since(start); d > hangGuard {
			t.Errorf("took %v", d)
		}
	})
	t.Run("huge COUNT and far UNTIL are stored, capped", func(t *testing.T) {
		for _, rule := range []string{"FREQ=DAILY;COUNT=10000000", "FREQ=DAILY;UNTIL=70000101T000000Z", "FREQ=MINUTELY;BYSECOND=0,1,2,3,4,5,6,7,8,9,10;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12"} {
			o := mustParse(t, event("DTSTART:20260302T100000Z", "RRULE:"+rule))
			e, err := o.Event(utc(2026, 3, 1, 0, 0), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !e.InstancesCapped || len(e.Instances) != DefaultMaxInstances {
				t.Errorf("%s: %d instances, capped=%v", rule, len(e.Instances), e.InstancesCapped)
			}
		}
	})
	t.Run("many RDATE and EXDATE", func(t *testing.T) {
		var rd, ex []string
		for i := 0; i < 10000; i++ {
			d := utc(2026, 1, 1, 9, 0).Add(time.Duration(i) * time.Hour).Format(layoutDateTime + "Z")
			rd = append(rd, d)
			if i%2 == 0 {
				ex = append(ex, d)
			}
		}
		o := mustParse(t, event("DTSTART:20260101T090000Z", "RDATE:"+strings.Join(rd, ","), "EXDATE:"+strings.Join(ex, ",")))
		e, err := o.Event(utc(2026, 1, 1, 0, 0), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Instances) != 5000 {
			t.Errorf("got %d instances, want 5000", len(e.Instances))
		}
	})
	t.Run("rules rrule-go would search for ever or for long", func(t *testing.T) {
		for _, rule := range []string{
			"FREQ=HOURLY;INTERVAL=24;BYHOUR=5", // rrule-go loops for ever on this one
			"FREQ=MINUTELY;INTERVAL=60;BYMINUTE=5",
			"FREQ=SECONDLY;INTERVAL=60;BYSECOND=5",
			"FREQ=MINUTELY;BYWEEKNO=53;BYMONTH=6",
			"FREQ=DAILY;BYYEARDAY=1;BYMONTH=6",
			"FREQ=DAILY;BYMONTHDAY=31;BYYEARDAY=100",
		} {
			start := time.Now()
			_, err := ParseObject(event("DTSTART:20260101T100000Z", "RRULE:"+rule), Limits{})
			wantKind(t, err, KindInvalidData, "can never occur")
			if d := time.Since(start); d > hangGuard {
				t.Errorf("%s: took %v", rule, d)
			}
		}
		for _, rule := range []string{"FREQ=HOURLY;INTERVAL=2;BYHOUR=4", "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=1,2,3,4,5,6,7", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH"} {
			o := mustParse(t, event("DTSTART:20260101T100000Z", "RRULE:"+rule))
			if ins, err := o.ExpandRange(utc(2026, 1, 1, 0, 0), utc(2060, 1, 1, 0, 0), Limits{MaxInstances: 100}); len(ins) == 0 {
				t.Errorf("%s: %d instances, %v", rule, len(ins), err)
			}
		}
	})
	t.Run("hostile VTIMEZONE", func(t *testing.T) {
		obs := strings.Repeat("BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nRRULE:FREQ=YEARLY;BYYEARDAY=1;BYMONTH=6\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n", 90)
		data := []byte("BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Piège\r\n" + obs + "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Piège:20260101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
		start := time.Now()
		_, err := ParseObject(data, Limits{})
		wantKind(t, err, KindInvalidData, "can never occur")
		for _, rule := range []string{"FREQ=SECONDLY", "FREQ=DAILY;BYMONTH=3"} {
			bad := strings.Replace(string(data), "FREQ=YEARLY;BYYEARDAY=1;BYMONTH=6", rule, 1)
			_, err = ParseObject([]byte(bad), Limits{})
			wantKind(t, err, KindInvalidData, "is not FREQ=YEARLY")
		}
		if d := time.Since(start); d > hangGuard {
			t.Errorf("took %v", d)
		}
	})
	t.Run("bad RRULE values", func(t *testing.T) {
		for _, rule := range []string{"FREQ=DAILY;INTERVAL=-1", "FREQ=DAILY;COUNT=-5", "FREQ=DAILY;BYHOUR=25", "FREQ=MONTHLY;BYMONTHDAY=0,32", "FREQ=DAILY;INTERVAL=99999999999999999999", "FREQ=WEEKLY;BYDAY=XX", "FREQ=DAILY;UNTIL=tomorrow", "FREQ=", ";;;"} {
			_, err := ParseObject(event("DTSTART:20260302T100000Z", "RRULE:"+rule), Limits{})
			wantKind(t, err, KindInvalidData, "RRULE")
		}
		// A huge INTERVAL is valid and ends.
		o := mustParse(t, event("DTSTART:20260302T100000Z", "RRULE:FREQ=DAILY;INTERVAL=999999999"))
		if _, err := o.Event(utc(2026, 3, 1, 0, 0), Limits{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRecurrenceSemantics(t *testing.T) {
	now := utc(2026, 1, 1, 0, 0)
	t.Run("weekly 18:00 Paris across DST", func(t *testing.T) {
		o := mustParse(t, event("DTSTART;TZID=Europe/Paris:20260319T180000", "DTEND;TZID=Europe/Paris:20260319T193000", "RRULE:FREQ=WEEKLY;COUNT=3"))
		e, _ := o.Event(now, Limits{})
		want := []time.Time{utc(2026, 3, 19, 17, 0), utc(2026, 3, 26, 17, 0), utc(2026, 4, 2, 16, 0)}
		if len(e.Instances) != 3 {
			t.Fatalf("got %d instances", len(e.Instances))
		}
		for i, w := range want {
			if !e.Instances[i].Start.Equal(w) || e.Instances[i].End.Sub(e.Instances[i].Start) != 90*time.Minute {
				t.Errorf("instance %d = %v..%v, want %v + 90m", i, e.Instances[i].Start, e.Instances[i].End, w)
			}
		}
		if e.TZID != "Europe/Paris" || !e.Recurring || e.RRule != "FREQ=WEEKLY;COUNT=3" {
			t.Errorf("event fields: %+v", e)
		}
	})
	t.Run("UNTIL in UTC and in local time", func(t *testing.T) {
		for _, until := range []string{"20260402T160000Z", "20260402T180000", "20260402"} {
			o := mustParse(t, event("DTSTART;TZID=Europe/Paris:20260319T180000", "RRULE:FREQ=WEEKLY;UNTIL="+until))
			e, _ := o.Event(now, Limits{})
			if len(e.Instances) != 3 || e.InstancesCapped {
				t.Errorf("UNTIL=%s: %d instances (capped %v), want 3 (UNTIL is inclusive)", until, len(e.Instances), e.InstancesCapped)
			}
		}
	})
	t.Run("all-day defaults to one day", func(t *testing.T) {
		o := mustParse(t, event("DTSTART;VALUE=DATE:20260301", "RRULE:FREQ=DAILY;COUNT=2"))
		e, _ := o.Event(now, Limits{})
		if !e.AllDay || !e.Start.Equal(utc(2026, 3, 1, 0, 0)) || !e.End.Equal(utc(2026, 3, 2, 0, 0)) || len(e.Instances) != 2 {
			t.Errorf("got %+v", e)
		}
		ins, _ := o.ExpandRange(utc(2026, 3, 1, 23, 0), utc(2026, 3, 2, 1, 0), Limits{})
		if len(ins) != 2 {
			t.Errorf("an all-day occurrence lasts the whole day: got %d overlapping, want 2", len(ins))
		}
	})
	t.Run("date-time without end has zero length", func(t *testing.T) {
		o := mustParse(t, event("DTSTART:20260301T100000Z"))
		e, _ := o.Event(now, Limits{})
		if !e.End.Equal(e.Start) || e.Recurring || len(e.Instances) != 1 || !e.Instances[0].RecurrenceID.IsZero() {
			t.Errorf("got %+v", e)
		}
		for _, c := range []struct {
			from, to time.Time
			n        int
		}{
			{utc(2026, 3, 1, 10, 0), utc(2026, 3, 1, 11, 0), 1},
			{utc(2026, 3, 1, 9, 0), utc(2026, 3, 1, 10, 0), 0},
			{utc(2026, 3, 1, 9, 0), utc(2026, 3, 1, 10, 1), 1},
		} {
			ins, _ := o.ExpandRange(c.from, c.to, Limits{})
			if len(ins) != c.n {
				t.Errorf("[%v, %v): %d instances, want %d", c.from, c.to, len(ins), c.n)
			}
		}
	})
	t.Run("DURATION P1D is nominal across DST", func(t *testing.T) {
		o := mustParse(t, event("DTSTART;TZID=Europe/Paris:20260328T120000", "DURATION:P1D"))
		e, _ := o.Event(now, Limits{})
		if got := e.End.Sub(e.Start); got != 23*time.Hour {
			t.Errorf("P1D over the spring change lasts %v, want 23h (same wall time next day)", got)
		}
	})
	t.Run("floating", func(t *testing.T) {
		o := mustParse(t, event("DTSTART:20260301T100000", "DTEND:20260301T120000"))
		e, _ := o.Event(now, Limits{})
		if !e.Floating || e.TZID != "" || !e.Start.Equal(utc(2026, 3, 1, 10, 0)) {
			t.Errorf("got %+v", e)
		}
	})
	t.Run("RDATE PERIOD, DATE and lists, EXDATE DATE on a date-time series", func(t *testing.T) {
		o := mustParse(t, event("DTSTART;TZID=Europe/Paris:20260302T100000", "DTEND;TZID=Europe/Paris:20260302T110000",
			"RRULE:FREQ=DAILY;COUNT=5",
			"RDATE;VALUE=PERIOD:20260310T090000Z/20260310T120000Z,20260311T090000Z/PT30M",
			"RDATE;TZID=Europe/Paris:20260312T100000,20260313T100000",
			"EXDATE;VALUE=DATE:20260303",
			"EXDATE;TZID=Europe/Paris:20260313T100000"))
		ins, err := o.ExpandRange(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range ins {
			got = append(got, in.Start.Format("02T15:04")+"/"+in.End.Sub(in.Start).String())
		}
		want := "02T09:00/1h0m0s 04T09:00/1h0m0s 05T09:00/1h0m0s 06T09:00/1h0m0s 10T09:00/3h0m0s 11T09:00/30m0s 12T09:00/1h0m0s"
		if strings.Join(got, " ") != want {
			t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
		}
	})
	t.Run("cancelled and moved overrides", func(t *testing.T) {
		o := mustParse(t, wrap("BEGIN:VEVENT", "UID:a", "DTSTART:20260302T100000Z", "DTEND:20260302T110000Z", "RRULE:FREQ=DAILY;COUNT=4", "STATUS:CONFIRMED", "END:VEVENT",
			"BEGIN:VEVENT", "UID:a", "RECURRENCE-ID:20260303T100000Z", "DTSTART:20260303T100000Z", "DTEND:20260303T110000Z", "STATUS:CANCELLED", "END:VEVENT",
			"BEGIN:VEVENT", "UID:a", "RECURRENCE-ID:20260304T100000Z", "DTSTART:20260310T140000Z", "DTEND:20260310T160000Z", "END:VEVENT"))
		e, _ := o.Event(now, Limits{})
		if len(e.Instances) != 4 {
			t.Fatalf("got %d instances, want 4", len(e.Instances))
		}
		c := e.Instances[1]
		if !c.Override || c.Status != model.StatusCancelled || !c.RecurrenceID.Equal(utc(2026, 3, 3, 10, 0)) {
			t.Errorf("cancelled override: %+v", c)
		}
		m := e.Instances[3]
		if !m.Override || !m.Start.Equal(utc(2026, 3, 10, 14, 0)) || !m.End.Equal(utc(2026, 3, 10, 16, 0)) || !m.RecurrenceID.Equal(utc(2026, 3, 4, 10, 0)) || m.Status != "" {
			t.Errorf("moved override: %+v", m)
		}
		ins, _ := o.ExpandRange(utc(2026, 3, 4, 0, 0), utc(2026, 3, 5, 0, 0), Limits{})
		if len(ins) != 0 {
			t.Errorf("the moved occurrence left its day: got %+v", ins)
		}
	})
	t.Run("THISANDFUTURE shifts later occurrences", func(t *testing.T) {
		o := mustParse(t, wrap("BEGIN:VEVENT", "UID:a", "DTSTART:20260302T100000Z", "DTEND:20260302T110000Z", "RRULE:FREQ=DAILY;COUNT=4", "END:VEVENT",
			"BEGIN:VEVENT", "UID:a", "RECURRENCE-ID;RANGE=THISANDFUTURE:20260303T100000Z", "DTSTART:20260303T120000Z", "DTEND:20260303T140000Z", "END:VEVENT"))
		ins, err := o.ExpandRange(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range ins {
			got = append(got, in.Start.Format("02T15")+"-"+in.End.Format("15"))
		}
		if strings.Join(got, " ") != "02T10-11 03T12-14 04T12-14 05T12-14" {
			t.Errorf("got %v", got)
		}
	})
	t.Run("only overrides", func(t *testing.T) {
		o := mustParse(t, wrap("BEGIN:VEVENT", "UID:a", "RECURRENCE-ID:20260303T100000Z", "DTSTART:20260303T120000Z", "SUMMARY:Seule", "END:VEVENT"))
		e, err := o.Event(now, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if o.Master != nil || e.Summary != "Seule" || len(e.Instances) != 1 || !e.Instances[0].Override {
			t.Errorf("got %+v", e)
		}
	})
	t.Run("old daily series keeps its recent days", func(t *testing.T) {
		o := mustParse(t, event("DTSTART:20000101T090000Z", "DTEND:20000101T100000Z", "RRULE:FREQ=DAILY"))
		e, _ := o.Event(utc(2026, 6, 1, 0, 0), Limits{})
		last := e.Instances[len(e.Instances)-1]
		if !e.InstancesCapped || len(e.Instances) != DefaultMaxInstances || last.Start.Before(utc(2028, 5, 1, 0, 0)) || e.Instances[0].Start.After(utc(2026, 6, 1, 0, 0)) {
			t.Errorf("got %d instances from %v to %v (capped %v)", len(e.Instances), e.Instances[0].Start, last.Start, e.InstancesCapped)
		}
		if !e.Start.Equal(utc(2000, 1, 1, 9, 0)) {
			t.Errorf("Start = %v, want the first occurrence", e.Start)
		}
	})
	t.Run("VTODO", func(t *testing.T) {
		o := mustParse(t, wrap("BEGIN:VTODO", "UID:t", "DUE:20260310T170000Z", "STATUS:NEEDS-ACTION", "SUMMARY:Rendre le dossier", "END:VTODO"))
		e, err := o.Event(now, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if e.Component != "VTODO" || !e.Start.Equal(utc(2026, 3, 10, 17, 0)) || len(e.Instances) != 1 {
			t.Errorf("got %+v", e)
		}
		o = mustParse(t, wrap("BEGIN:VTODO", "UID:t", "SUMMARY:Sans date", "END:VTODO", "BEGIN:VTODO", "UID:t", "RECURRENCE-ID:20260301T100000Z", "DTSTART:20260302T100000Z", "END:VTODO"))
		if ins, err := o.ExpandRange(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0), Limits{}); err != nil || len(ins) != 1 {
			t.Errorf("undated VTODO with an override: %v, %v", ins, err)
		}
		o = mustParse(t, wrap("BEGIN:VTODO", "UID:t", "SUMMARY:Sans date", "END:VTODO"))
		if e, err = o.Event(now, Limits{}); err != nil || len(e.Instances) != 0 || !e.Start.IsZero() {
			t.Errorf("undated VTODO: %+v, %v", e, err)
		}
	})
	t.Run("fields", func(t *testing.T) {
		o := mustParse(t, event("DTSTART:20260302T100000Z", `SUMMARY:Loto\, tombola\; buvette`, `DESCRIPTION:ligne 1\nligne 2`,
			"CATEGORIES:Fête,Loto", "CATEGORIES:loto,Jeux", "GEO:44.2;0.62", "SEQUENCE:4", "CLASS:public", "URL:https://example.org/loto", "STATUS:TENTATIVE"))
		e, _ := o.Event(now, Limits{})
		if e.Summary != "Loto, tombola; buvette" || e.Description != "ligne 1\nligne 2" || strings.Join(e.Categories, "|") != "Fête|Loto|Jeux" ||
			!e.HasGeo || e.Lat != 44.2 || e.Lon != 0.62 || e.Sequence != 4 || e.Class != "PUBLIC" || e.URL != "https://example.org/loto" || e.Status != "TENTATIVE" {
			t.Errorf("got %+v", e)
		}
		if e.Data != string(o.Data) || !strings.Contains(e.Data, "UID:x@test") {
			t.Errorf("Data is not the text parsed")
		}
	})
}

func TestResolveTZID(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, id := range []string{"Europe/Paris", "/citadel.org/20190914_1/Europe/Paris", "/mozilla.org/20070129_1/Europe/Paris", "Romance Standard Time", "romance standard time"} {
		loc, err := ResolveTZID(id, nil)
		if err != nil || loc.String() != "Europe/Paris" {
			t.Errorf("%q: %v, %v", id, loc, err)
		}
	}
	if loc, err := ResolveTZID("W. Europe Standard Time", nil); err != nil || loc.String() != "Europe/Berlin" {
		t.Errorf("W. Europe: %v %v", loc, err)
	}
	if loc, err := ResolveTZID("GMT Standard Time", nil); err != nil || loc.String() != "Europe/London" {
		t.Errorf("GMT Standard Time: %v %v", loc, err)
	}
	if loc, err := ResolveTZID("Eastern Standard Time", nil); err != nil || loc.String() != "America/New_York" {
		t.Errorf("Eastern: %v %v", loc, err)
	}
	for win, iana := range windowsZones {
		if iana == "UTC" {
			continue
		}
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("Windows zone %q maps to %q, which Go does not know: %v", win, iana, err)
		}
	}
	if len(windowsZones) < 100 {
		t.Errorf("only %d Windows zones", len(windowsZones))
	}
	if _, err := ResolveTZID("Local", nil); err == nil {
		t.Error("Local must not resolve to the server's zone")
	}
	_ = paris
}

// TestVTimezoneRoundTrip generates VTIMEZONEs from Go's zone data, reads
// them back as custom zones and compares offsets with the IANA zones.
func TestVTimezoneRoundTrip(t *testing.T) {
	for _, name := range []string{"Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "Europe/Istanbul", "America/Sao_Paulo", "Pacific/Chatham", "Africa/Casablanca"} {
		loc, _ := time.LoadLocation(name)
		vtz, err := VTimezone(name, 1990)
		if err != nil {
			t.Fatal(err)
		}
		cp := *vtz
		cp.Props = goical.Props{}
		for k, v := range vtz.Props {
			cp.Props[k] = v
		}
		setProp(&cp, "TZID", nil, "Custom "+name)
		custom, err := locationFromVTimezone(&cp)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		bad := 0
		// Up to 2037: past it, generated zones repeat their last yearly
		// rules, which zones like Africa/Casablanca do not follow.
		for ts := utc(1990, 1, 1, 0, 0); ts.Before(utc(2038, 1, 1, 0, 0)); ts = ts.Add(97 * time.Hour) {
			_, want := ts.In(loc).Zone()
			_, got := ts.In(custom).Zone()
			if got != want && bad < 3 {
				bad++
				t.Errorf("%s at %v: offset %d, want %d", name, ts, got, want)
			}
		}
		if name == "Europe/Paris" {
			n := 0
			for _, c := range vtz.Children {
				if c.Props.Get("RRULE") != nil && !strings.Contains(c.Props.Get("RRULE").Value, "UNTIL") {
					n++
				}
			}
			if n != 2 {
				t.Errorf("Europe/Paris: %d open-ended rules, want 2", n)
			}
		}
	}
}

func TestFromEventAndFeed(t *testing.T) {
	e := &model.Event{
		UID: "remote-1@mobilizon.example", Summary: "Concert, plein air", Description: "Ligne 1\nLigne 2",
		Location: "Place Armand Fallières; Agen", Start: utc(2026, 7, 14, 19, 0), End: utc(2026, 7, 14, 21, 0),
		Categories: []string{"Musique", "Été"}, URL: "https://mobilizon.example/events/1", Status: "CONFIRMED",
		HasGeo: true, Lat: 44.2031, Lon: 0.6163, RRule: "FREQ=WEEKLY;COUNT=3", Updated: utc(2026, 6, 1, 0, 0),
	}
	data, err := FromEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	o := mustParse(t, data)
	got, err := o.Event(utc(2026, 1, 1, 0, 0), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary != e.Summary || got.Description != e.Description || got.Location != e.Location || !got.Start.Equal(e.Start) || !got.End.Equal(e.End) ||
		got.TZID != "Europe/Paris" || strings.Join(got.Categories, ",") != "Musique,Été" || got.URL != e.URL || got.Lat != e.Lat || len(got.Instances) != 3 {
		t.Errorf("FromEvent round trip: %+v", got)
	}
	if !strings.Contains(string(data), "DTSTART;TZID=Europe/Paris:20260714T210000") || !strings.Contains(string(data), "BEGIN:VTIMEZONE") {
		t.Errorf("FromEvent text:\n%s", data)
	}
	allDay, err := FromEvent(&model.Event{UID: "d", Summary: "Foire", Start: utc(2026, 5, 1, 0, 0), End: utc(2026, 5, 3, 0, 0), AllDay: true})
	if err != nil || !strings.Contains(string(allDay), "DTSTART;VALUE=DATE:20260501") || strings.Contains(string(allDay), "VTIMEZONE") {
		t.Errorf("all-day: %v\n%s", err, allDay)
	}
	if _, err := FromEvent(&model.Event{UID: "r", Start: utc(2026, 5, 1, 0, 0), RRule: "FREQ=NEVER"}); err == nil {
		t.Error("FromEvent accepted a bad RRULE")
	}

	outlook := event("DTSTART;TZID=Romance Standard Time:20260302T100000", "RRULE:FREQ=WEEKLY;COUNT=2", "SUMMARY:Outlook")
	var buf bytes.Buffer
	if err := WriteFeed(&buf, [][]byte{data, outlook, []byte("garbage"), data}, FeedOptions{Name: "Agenda 47", Description: "Tout le 47", Timezone: "Europe/Paris"}); err != nil {
		t.Fatal(err)
	}
	feed := buf.String()
	for _, want := range []string{"X-WR-CALNAME:Agenda 47", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H", "TZID:Romance Standard Time", "X-WR-TIMEZONE:Europe/Paris"} {
		if !strings.Contains(feed, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if n := strings.Count(feed, "TZID:Europe/Paris\r\n"); n != 1 {
		t.Errorf("feed has %d VTIMEZONE for Europe/Paris, want 1", n)
	}
	results, err := Split(buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].Err != nil || results[1].Err != nil {
		t.Fatalf("feed split into %d objects, want 2", len(results))
	}
	ev, _ := results[1].Obj.Event(utc(2026, 1, 1, 0, 0), Limits{})
	if !ev.Instances[0].Start.Equal(utc(2026, 3, 2, 9, 0)) || len(ev.Instances) != 2 {
		t.Errorf("Outlook object through the feed: %+v", ev.Instances)
	}
}

func TestSplitKeepsGoing(t *testing.T) {
	data := wrap("BEGIN:VEVENT", "UID:ok", "DTSTART:20260301T100000Z", "END:VEVENT",
		"BEGIN:VEVENT", "UID:bad", "DTSTART:20260301T100000Z", "DTEND:20260201T100000Z", "END:VEVENT",
		"BEGIN:VEVENT", "DTSTART:20260301T100000Z", "SUMMARY:anonymous", "END:VEVENT",
		"BEGIN:VJOURNAL", "UID:j", "END:VJOURNAL",
		"BEGIN:VEVENT", "UID:ok", "RECURRENCE-ID:20260301T100000Z", "DTSTART:20260301T120000Z", "END:VEVENT")
	res, err := Split(data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 {
		t.Fatalf("got %d results", len(res))
	}
	if res[0].UID != "ok" || res[0].Err != nil || len(res[0].Obj.Overrides) != 1 {
		t.Errorf("first: %+v", res[0])
	}
	wantKind(t, res[1].Err, KindInvalidData, "is before DTSTART")
	wantKind(t, res[2].Err, KindInvalidData, "no UID")
	wantKind(t, res[3].Err, KindUnsupportedComponent, "VJOURNAL")
}
