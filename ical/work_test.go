package ical

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestRecurrenceWorkBound: rules that rrule-go would search for a long
// time between two occurrences are refused or stopped by the work they
// cost, not by the occurrences they yield.
func TestRecurrenceWorkBound(t *testing.T) {
	t.Run("BYSETPOS past the candidates of a period", func(t *testing.T) {
		// Reported in issue #14: 115 s and more than 8 minutes of one core.
		for _, rule := range []string{
			"FREQ=MINUTELY;BYDAY=2TU;BYSETPOS=2",
			"FREQ=SECONDLY;BYSETPOS=2;BYSECOND=0",
			"FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=3,-3",
			"FREQ=DAILY;BYHOUR=9;BYSETPOS=2",
		} {
			_, err := ParseObject(event("DTSTART:20260101T100000Z", "RRULE:"+rule), Limits{})
			wantKind(t, err, KindInvalidData, "BYSETPOS asks for a position past the")
		}
		// A position within the period's candidates is fine.
		o := mustParse(t, event("DTSTART:20260101T100000Z", "RRULE:FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=-1;COUNT=3"))
		ins, err := o.ExpandRange(utc(2026, 1, 1, 0, 0), utc(2026, 1, 2, 0, 0), Limits{})
		if err != nil || len(ins) != 4 || !ins[1].Start.Equal(utc(2026, 1, 1, 10, 30)) || !ins[3].Start.Equal(utc(2026, 1, 1, 12, 30)) {
			t.Errorf("got %v, %v; want DTSTART 10:00, then 10:30, 11:30, 12:30", ins, err)
		}
	})
	t.Run("whole weeks from a day BYDAY leaves out", func(t *testing.T) {
		// 2026-01-06 is a Tuesday: rrule-go would walk to the year 9999.
		for _, rule := range []string{"FREQ=DAILY;INTERVAL=14;BYDAY=MO", "FREQ=HOURLY;INTERVAL=168;BYDAY=MO,WE"} {
			_, err := ParseObject(event("DTSTART:20260106T100000Z", "RRULE:"+rule), Limits{})
			wantKind(t, err, KindInvalidData, "whole number of weeks")
		}
		mustParse(t, event("DTSTART:20260106T100000Z", "RRULE:FREQ=DAILY;INTERVAL=14;BYDAY=TU,WE"))
		mustParse(t, event("DTSTART:20260106T100000Z", "RRULE:FREQ=DAILY;INTERVAL=3;BYDAY=MO"))
	})
	t.Run("sparse rule stops at the work bound", func(t *testing.T) {
		// One occurrence a week, 604 800 / 7 steps of INTERVAL apart:
		// the old step count (occurrences only) let one expansion run
		// 5000 × 86 400 steps.
		o := mustParse(t, event("DTSTART:20260101T050301Z", "RRULE:FREQ=SECONDLY;INTERVAL=7;BYHOUR=5;BYMINUTE=3;BYSECOND=1"))
		ins, err := o.ExpandRange(utc(2026, 1, 1, 0, 0), utc(2126, 1, 1, 0, 0), Limits{})
		wantKind(t, err, KindTooManyInstances, "more than 2000000 candidate times")
		// DTSTART, then what the budget pays for.
		if len(ins) < 2 || len(ins) > 1+DefaultMaxWork/86400 {
			t.Errorf("got %d occurrences, want between 2 and %d", len(ins), 1+DefaultMaxWork/86400)
		}
		// Storing it keeps what the work bound allows and says so.
		e, err := o.Event(utc(2026, 1, 1, 0, 0), Limits{})
		if err != nil || !e.InstancesCapped || len(e.Instances) == 0 {
			t.Fatalf("Event: %v, %+v", err, e)
		}
	})
	t.Run("rule too sparse for one occurrence is refused", func(t *testing.T) {
		_, err := ParseObject(event("DTSTART:20260101T050301Z", "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=5;BYMINUTE=3;BYSECOND=1"), Limits{})
		wantKind(t, err, KindTooManyInstances, "too sparse to expand")
		// The same days at a coarser frequency are fine.
		mustParse(t, event("DTSTART:20260101T050301Z", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"))
	})
	t.Run("VTIMEZONE rules share one budget", func(t *testing.T) {
		// A hundred observances whose rule occurs every 28 years or so:
		// rrule-go walks about 230 years for each.
		obs := strings.Repeat("BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n", 100)
		data := "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Piège\r\n" + obs + "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Piège:20260101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		_, err := ParseObject([]byte(data), Limits{})
		wantKind(t, err, KindInvalidData, "need more than 2000000 candidate times")
		// Outlook's zones start in 1601: two rules over 600 years fit.
		outlook := "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Heure du Lot\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Heure du Lot:20260701T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		o := mustParse(t, []byte(outlook))
		e, err := o.Event(utc(2026, 1, 1, 0, 0), Limits{})
		if err != nil || !e.Start.Equal(utc(2026, 7, 1, 8, 0)) {
			t.Errorf("summer time from the VTIMEZONE: %v, %v", e, err)
		}
	})
	t.Run("expansion stops with its context", func(t *testing.T) {
		o := mustParse(t, event("DTSTART:20260101T100000Z", "RRULE:FREQ=SECONDLY"))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ins, err := o.ExpandRangeContext(ctx, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0), Limits{})
		if !errors.Is(err, context.Canceled) || len(ins) != 0 {
			t.Errorf("got %d occurrences, %v; want none and context.Canceled", len(ins), err)
		}
		_, err = o.EventContext(ctx, utc(2026, 1, 1, 0, 0), Limits{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("EventContext: %v, want context.Canceled", err)
		}
	})
}

// TestRuleCost checks the bound against the candidates rrule-go examines
// for rules whose walk can be counted by hand.
func TestRuleCost(t *testing.T) {
	for _, c := range []struct {
		rule string
		want int
	}{
		{"FREQ=DAILY", 1},
		{"FREQ=WEEKLY", 6 + 7},                // DTSTART's weekday only
		{"FREQ=WEEKLY;BYDAY=MO,WE,FR", 2 + 7}, // Friday to Monday
		{"FREQ=SECONDLY", 2},
		{"FREQ=MINUTELY;BYSECOND=0,30", 2},
		{"FREQ=SECONDLY;BYSECOND=0", 59 + 2},
		{"FREQ=HOURLY;INTERVAL=5;BYHOUR=10", 23 + 2}, // 10h, then 15h, 20h, 1h ... back to 10h after 24 steps
	} {
		o := mustParse(t, event("DTSTART:20260101T100000Z", "RRULE:"+c.rule))
		if got := o.series.ruleCost; got != c.want {
			t.Errorf("%s: cost %d, want %d", c.rule, got, c.want)
		}
	}
	if !strings.Contains(tooMany(DefaultLimits(), true).Msg, "candidate times") {
		t.Error("the work bound is not named in its error")
	}
}
