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
