package ical

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestFeedKeepsOnlyPublicProperties writes a hostile object (a member's
// personal addresses, private notes, vendor properties, javascript:
// links, an alarm and a CLASS:PRIVATE occurrence) into a public feed and
// checks that only the allow-listed, public parts come out.
func TestFeedKeepsOnlyPublicProperties(t *testing.T) {
	data, err := os.ReadFile("testdata/public/hostile.ics")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteFeed(&buf, [][]byte{data}, FeedOptions{Name: "Agenda"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, bad := range []string{"ORGANIZER", "ATTENDEE", "CONTACT", "COMMENT", "X-MOZ", "X-MICROSOFT", "X-SECRET", "X-LABEL",
		"perso.example", "javascript", "VALARM", "BINARY", "SGVsbG8", "docteur", "Cabinet", "Lilas"} {
		if strings.Contains(unfolded, bad) {
			t.Errorf("the public feed carries %q:\n%s", bad, out)
		}
	}
	for _, good := range []string{"SUMMARY:Répétition de la chorale", "LOCATION:Salle des fêtes\\, Nérac", "X-BASTIDE-PRICE:5 €",
		"URL:https://chorale.example/", "ATTACH:https://chorale.example/programme.pdf", "RRULE:FREQ=WEEKLY;COUNT=6",
		"SUMMARY:Répétition générale à Tonneins", "EXDATE;TZID=Europe/Paris:20270316T180000",
		"RECURRENCE-ID;TZID=Europe/Paris:20270309T180000"} {
		if !strings.Contains(unfolded, good) {
			t.Errorf("the public feed lacks %q:\n%s", good, out)
		}
	}
	// What the feed says is still a valid object, whose private date is gone.
	objs, err := Split(buf.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].Err != nil {
		t.Fatalf("the feed does not parse back: %+v", objs)
	}
}

// TestFeedLeavesOutPrivateSeries checks that a private master takes its
// whole object out of a public feed.
func TestFeedLeavesOutPrivateSeries(t *testing.T) {
	data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:p\r\nDTSTAMP:20270301T080000Z\r\n" +
		"DTSTART:20270302T180000Z\r\nSUMMARY:Conseil restreint\r\nCLASS:CONFIDENTIAL\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	var buf bytes.Buffer
	if err := WriteFeed(&buf, [][]byte{[]byte(data)}, FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "VEVENT") || strings.Contains(buf.String(), "Conseil") {
		t.Fatalf("a confidential event is in the public feed:\n%s", buf.String())
	}
}

// TestFeedKeepsOnlyTheRulesOfACustomZone checks that a stored VTIMEZONE
// (written as stored when its TZID is not an IANA name) carries only the
// zone's rules and names into a public feed.
func TestFeedKeepsOnlyTheRulesOfACustomZone(t *testing.T) {
	data := strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VTIMEZONE
TZID:Heure du club
COMMENT:code de la porte 4521
X-SECRET:clé sous le paillasson
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
COMMENT:code de la porte 4521
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:club
DTSTAMP:20270301T080000Z
DTSTART;TZID=Heure du club:20270302T180000
SUMMARY:Soirée du club
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	var buf bytes.Buffer
	if err := WriteFeed(&buf, [][]byte{[]byte(data)}, FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"4521", "paillasson", "X-SECRET", "COMMENT"} {
		if strings.Contains(out, bad) {
			t.Errorf("the public feed carries %q:\n%s", bad, out)
		}
	}
	for _, good := range []string{"TZID:Heure du club", "TZNAME:CET", "TZOFFSETTO:+0200", "BEGIN:DAYLIGHT", "SUMMARY:Soirée du club"} {
		if !strings.Contains(out, good) {
			t.Errorf("the public feed lacks %q:\n%s", good, out)
		}
	}
}
