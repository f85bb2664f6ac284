package ical

import (
	"strings"
	"testing"
	"time"
)

// Some exporters fold a line inside a multi-byte character: the text is
// UTF-8 once unfolded, and is read; a byte that stays invalid once
// unfolded is still refused, naming its line.
func TestFoldInsideMultiByteCharacter(t *testing.T) {
	head := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:f@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270621T180000Z\r\n"
	tail := "END:VEVENT\r\nEND:VCALENDAR\r\n"
	obj, err := ParseObject([]byte(head+"SUMMARY:F\xc3\r\n \xaate \xc3\r\n\t\xa0 Agen\r\n"+tail), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e, err := obj.Event(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if e.Summary != "Fête à Agen" {
		t.Fatalf("summary %q", e.Summary)
	}
	_, err = ParseObject([]byte(head+"SUMMARY:F\xc3\r\n ête\r\n"+tail), DefaultLimits())
	if err == nil || !strings.Contains(err.Error(), "line 8 is not valid UTF-8") {
		t.Fatalf("a broken byte: %v", err)
	}
}
