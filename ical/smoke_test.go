package ical

import (
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Paris:20260305T180000\r\nDTEND;TZID=Europe/Paris:20260305T200000\r\nRRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;TZID=Europe/Paris:20260312T180000\r\nSUMMARY:Chorale\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID;TZID=Europe/Paris:20260319T180000\r\nDTSTART;TZID=Europe/Paris:20260320T190000\r\nDTEND;TZID=Europe/Paris:20260320T210000\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	o, err := ParseObject([]byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e, err := o.Event(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", e.Instances)
	in, err := o.ExpandRange(time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC), DefaultLimits())
	t.Logf("%+v %v", in, err)
}
