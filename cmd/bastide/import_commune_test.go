package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// TestImportDerivesCommunes: `bastide import` stores the commune that an
// event's GEO falls in when its LOCATION names none, and an occurrence
// moved to another town is found under that town, with its own title.
func TestImportDerivesCommunes(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "", "association", "add", "velo-47", "--name", "Vélo 47").must(t, 0)
	day := time.Now().UTC().AddDate(0, 0, 10)
	d := func(days int) string { return day.AddDate(0, 0, days).Format("20060102") }
	file := writeFile(t, "velo.ics", `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Import//EN
BEGIN:VEVENT
UID:geo@example.org
DTSTAMP:20260101T000000Z
DTSTART:`+d(0)+`T080000Z
DTEND:`+d(0)+`T120000Z
SUMMARY:Randonnée des coteaux
LOCATION:Parking du lac
GEO:44.5040;0.1690
END:VEVENT
BEGIN:VEVENT
UID:series@example.org
DTSTAMP:20260101T000000Z
DTSTART:`+d(1)+`T170000Z
DTEND:`+d(1)+`T190000Z
RRULE:FREQ=WEEKLY;COUNT=3
SUMMARY:Atelier réparation
LOCATION:Local associatif, Nérac
END:VEVENT
BEGIN:VEVENT
UID:series@example.org
DTSTAMP:20260101T000000Z
RECURRENCE-ID:`+d(8)+`T170000Z
DTSTART:`+d(8)+`T170000Z
DTEND:`+d(8)+`T190000Z
SUMMARY:Atelier réparation au marché
LOCATION:Halle, 47400 Tonneins
END:VEVENT
END:VCALENDAR
`)
	cli(t, data, "", "import", file, "--association", "velo-47").must(t, 0, "2 added")

	s := openStore(t, data)
	ctx := context.Background()
	from, to := day.AddDate(0, 0, -1), day.AddDate(0, 0, 30)
	find := func(insee string) []string {
		t.Helper()
		rows, err := s.ListInstances(ctx, db.InstanceQuery{From: from, To: to, Public: true, Communes: []string{insee}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Event.Summary)
		}
		return out
	}
	if got := find("47157"); len(got) != 1 || got[0] != "Randonnée des coteaux" {
		t.Errorf("Marmande (by GEO): %q", got)
	}
	if got := find("47195"); len(got) != 2 || got[0] != "Atelier réparation" {
		t.Errorf("Nérac: %q", got)
	}
	if got := find("47310"); len(got) != 1 || got[0] != "Atelier réparation au marché" {
		t.Errorf("Tonneins (the moved date): %q", got)
	}
	if t.Failed() {
		all, _ := s.ListInstances(ctx, db.InstanceQuery{From: from, To: to})
		for _, r := range all {
			t.Logf("%s %s %q %q", r.Instance.Start, r.Event.CommuneINSEE, r.Event.Summary, strings.TrimSpace(r.Event.Location))
		}
	}
}
