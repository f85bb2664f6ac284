package web

import "testing"

// A weekly series lists its next ten dates, and beyond them the dates
// that moved, changed place or were cancelled: a reader must not miss a
// cancelled date in three months because the list stopped at ten.
func TestEventPageListsLaterChangedDates(t *testing.T) {
	f := newFixture(t)
	e := f.putICS(f.cals["fetes-marmande"], `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:marche-hebdo
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260408T080000
DTEND;TZID=Europe/Paris:20260408T120000
RRULE:FREQ=WEEKLY;COUNT=30
SUMMARY:Marché du mercredi
LOCATION:Place du marché, Marmande
END:VEVENT
BEGIN:VEVENT
UID:marche-hebdo
DTSTAMP:20260301T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260722T080000
DTSTART;TZID=Europe/Paris:20260722T080000
DTEND;TZID=Europe/Paris:20260722T120000
STATUS:CANCELLED
SUMMARY:Marché du mercredi
LOCATION:Place du marché, Marmande
END:VEVENT
BEGIN:VEVENT
UID:marche-hebdo
DTSTAMP:20260301T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260805T080000
DTSTART;TZID=Europe/Paris:20260806T080000
DTEND;TZID=Europe/Paris:20260806T120000
SUMMARY:Marché du mercredi (jeudi, fête locale)
LOCATION:Halle, Marmande
END:VEVENT
END:VCALENDAR`, nil)
	r := f.get("/events/" + e.UUID)
	mustContain(t, "later changes", r.body, "Plus tard, dates modifiées ou annulées",
		"<del>mercredi 22 juillet 2026 de 8 h à 12 h</del>", "Cette date est annulée",
		"jeudi 6 août 2026 de 8 h à 12 h", "Marché du mercredi (jeudi, fête locale) — Halle, Marmande")
	// Unchanged dates past the tenth are not listed.
	mustNotContain(t, "later changes", r.body, "mercredi 29 juillet 2026")
	r = f.get("/events/" + f.uuids["rando-mardi"])
	mustNotContain(t, "no later changes", r.body, "Plus tard, dates modifiées")
}
