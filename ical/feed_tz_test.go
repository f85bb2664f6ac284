package ical

import (
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"
)

// A feed mixes objects stored at different times: the zone definition one
// of them carried may start after another's first date. The feed's
// definition of an IANA zone must cover the earliest date that uses it,
// a January date included.
func TestFeedZoneCoversEarliestDate(t *testing.T) {
	recent := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//FR\r\n" +
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n" +
		"BEGIN:VEVENT\r\nUID:recent\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:20260601T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	old := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//FR\r\n" +
		"BEGIN:VEVENT\r\nUID:old\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Paris:20240109T180000\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	var b strings.Builder
	if err := WriteFeed(&b, [][]byte{[]byte(recent), []byte(old)}, FeedOptions{Name: "t"}); err != nil {
		t.Fatal(err)
	}
	cal, err := Decode([]byte(b.String()), Limits{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var zones int
	earliest := "99999999"
	for _, c := range cal.Children {
		if c.Name != goical.CompTimezone {
			continue
		}
		zones++
		for _, o := range c.Children {
			if v := text(o, goical.PropDateTimeStart); v < earliest {
				earliest = v
			}
		}
	}
	if zones != 1 {
		t.Fatalf("want one VTIMEZONE, got %d", zones)
	}
	if earliest > "20240109T180000" || earliest[:4] > "2023" {
		t.Fatalf("the zone starts at %s: 2024-01-09 is not covered by an onset before it", earliest)
	}
}
