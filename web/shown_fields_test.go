package web

import (
	"strings"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

// The event page shows the price, accessibility, online link and poster
// stored with the event at write time, not what it would read again in
// the iCalendar text: a row whose text says otherwise shows the row.
func TestEventPageShowsStoredFields(t *testing.T) {
	f := newFixture(t)
	e := f.putICS(f.cals["cine-agen"], `BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VEVENT
UID:stored-fields
DTSTAMP:20260101T000000Z
DTSTART:20260410T180000Z
DTEND:20260410T200000Z
SUMMARY:Projection
X-BASTIDE-PRICE:3 €
X-BASTIDE-ACCESSIBILITY:Rampe d'accès
END:VEVENT
END:VCALENDAR`, func(e *model.Event) {
		if e.Price != "3 €" || len(e.Access) != 1 {
			t.Fatalf("ical read price %q, access %q", e.Price, e.Access)
		}
		e.Price, e.Access = "Prix libre", []string{"Boucle magnétique", "Places réservées"}
		e.Online, e.ImageURL = "https://visio.example.org/projection", testBase+"/images/affiche.jpg"
	})
	r := f.get("/events/" + e.UUID)
	if r.code != 200 {
		t.Fatalf("status %d", r.code)
	}
	for _, want := range []string{"Prix libre", "Boucle magnétique", "Places réservées", "https://visio.example.org/projection", "/images/affiche.jpg"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, not := range []string{"3 €", "Rampe d"} {
		if strings.Contains(r.body, not) {
			t.Errorf("page shows %q, read again from the text", not)
		}
	}
}
