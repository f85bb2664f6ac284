package ical

import (
	"os"
	"strings"
	"testing"
	"time"
)

var formOwned = []string{"SUMMARY", "DTSTART", "DTEND", "DURATION", "LOCATION", "DESCRIPTION", "CATEGORIES", "STATUS", "X-BASTIDE-PRICE"}

// An object as Thunderbird writes it keeps every line the form does not
// own byte for byte when only its title changes.
func TestEditKeepsWhatItDoesNotOwn(t *testing.T) {
	in, err := os.ReadFile("testdata/thunderbird_edit.ics")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Edit(in, []string{"SUMMARY"}, []Prop{TextProp("SUMMARY", "Atelier tablettes")})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(in), "SUMMARY:Atelier informatique (Lightning)\r\n", "SUMMARY:Atelier tablettes\r\n", 1)
	if string(out) != want {
		t.Fatalf("edited text differs beyond the SUMMARY:\n%s", out)
	}
	for _, keep := range []string{"BEGIN:VALARM\r\nACTION:DISPLAY\r\n", "X-MOZ-SNOOZE-TIME-1773237600000000:20260311T130000Z\r\n",
		"ATTENDEE;CN=Marie Dupont;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE:\r\n mailto:marie@example.org\r\n",
		"SUMMARY:Atelier informatique (salle 2)\r\n", "BYSETPOS=-1"} {
		if !strings.Contains(string(out), keep) {
			t.Errorf("lost %q", keep)
		}
	}
}

// Owned properties are all replaced, including repeated ones, in the
// master only; the override keeps its own.
func TestEditReplacesOwnedInMasterOnly(t *testing.T) {
	in, err := os.ReadFile("testdata/thunderbird_edit.ics")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	out, err := Edit(in, formOwned, []Prop{
		TextProp("SUMMARY", "Soirée"), TimeProp("DTSTART", start, false, "Europe/Paris"),
		TimeProp("DTEND", start.Add(2*time.Hour), false, "Europe/Paris"), ListProp("CATEGORIES", []string{"Fête", "A,B"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if strings.Count(s, "CATEGORIES") != 1 || !strings.Contains(s, `CATEGORIES:Fête,A\,B`) {
		t.Errorf("categories not replaced by one line:\n%s", s)
	}
	if strings.Contains(s, "LOCATION:Médiathèque d'Agen\r\n") || !strings.Contains(s, `LOCATION:Médiathèque d'Agen\, salle 2`) {
		t.Errorf("master LOCATION kept or override's lost:\n%s", s)
	}
	if strings.Count(s, "BEGIN:VTIMEZONE") != 1 {
		t.Errorf("a second VTIMEZONE was added for a zone the object defines")
	}
	obj, err := ParseObject(out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := text(obj.Master, "SUMMARY"); got != "Soirée" {
		t.Errorf("SUMMARY = %q", got)
	}
}

// A title with a line break cannot inject a property.
func TestEditEscapesLineBreaks(t *testing.T) {
	base := NewObject("u1@test", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	out, err := Edit(base, formOwned, []Prop{TextProp("SUMMARY", "Fête\r\nRRULE:FREQ=SECONDLY"),
		TimeProp("DTSTART", time.Date(2026, 6, 21, 20, 0, 0, 0, time.UTC), false, "Europe/Paris")})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := ParseObject(out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if obj.Master.Props.Get("RRULE") != nil {
		t.Fatalf("a line break in the title made an RRULE:\n%s", out)
	}
	if got := text(obj.Master, "SUMMARY"); got != "Fête\nRRULE:FREQ=SECONDLY" {
		t.Errorf("SUMMARY = %q", got)
	}
	if !strings.Contains(string(out), "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris") {
		t.Errorf("no VTIMEZONE added for the new zone:\n%s", out)
	}
}

func TestEditRefusesUnownedProperty(t *testing.T) {
	base := NewObject("u1@test", time.Now())
	if _, err := Edit(base, []string{"SUMMARY"}, []Prop{TextProp("RRULE", "FREQ=DAILY")}); err == nil {
		t.Fatal("a property outside owned was written")
	}
}

// Cancelling one occurrence adds an override after the master, made from
// the master's lines; cancelling it again changes only that override.
func TestOverrideCancelsOneOccurrence(t *testing.T) {
	in, err := os.ReadFile("testdata/thunderbird_edit.ics")
	if err != nil {
		t.Fatal(err)
	}
	rid := TimeProp("RECURRENCE-ID", time.Date(2026, 5, 25, 14, 0, 0, 0, time.UTC), false, "Europe/Paris")
	out, err := Override(in, rid, []Prop{ValueProp("STATUS", "CANCELLED")})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := ParseObject(out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(obj.Overrides) != 2 {
		t.Fatalf("%d overrides, want 2:\n%s", len(obj.Overrides), out)
	}
	o := obj.Overrides[0] // written right after the master
	if got := o.Props.Get("STATUS").Value; got != "CANCELLED" {
		t.Errorf("override STATUS = %q", got)
	}
	if text(o, "SUMMARY") != "Atelier informatique (Lightning)" || o.Props.Get("RRULE") != nil || len(o.Children) != 0 {
		t.Errorf("override not made from the master's lines:\n%s", out)
	}
	if !strings.HasPrefix(string(out), string(in[:strings.Index(string(in), "END:VEVENT")])) {
		t.Errorf("the master changed")
	}
	// Again, on the same occurrence: restored, one override only.
	out2, err := Override(out, rid, []Prop{ValueProp("STATUS", "CONFIRMED")})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(string(out), "STATUS:CANCELLED\r\n", "STATUS:CONFIRMED\r\n", 1); string(out2) != want {
		t.Errorf("a second change of the override rewrote more than its STATUS:\n%s", out2)
	}
}
