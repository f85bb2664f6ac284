package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/load"
)

// importFile holds good objects, bad ones and two components sharing a
// UID, as exported by a careless tool.
func importFile(summaryA string) string {
	next := time.Now().UTC().AddDate(0, 0, 10).Format("20060102")
	return strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Import//EN
METHOD:PUBLISH
BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:good-a@example.org
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:@NEXT@T203000
DTEND;TZID=Europe/Paris:@NEXT@T223000
SUMMARY:`+summaryA+`
LOCATION:Salle des fêtes, 47600 Nérac
END:VEVENT
BEGIN:VEVENT
UID:good-b-weekly@example.org
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:@NEXT@T080000
DTEND;TZID=Europe/Paris:@NEXT@T120000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Paris:@NEXT@T080000
SUMMARY:Marché
END:VEVENT
BEGIN:VEVENT
UID:bad-no-start@example.org
DTSTAMP:20260101T000000Z
SUMMARY:Sans date
END:VEVENT
BEGIN:VEVENT
UID:bad-backwards@example.org
DTSTAMP:20260101T000000Z
DTSTART:20270110T100000Z
DTEND:20270110T090000Z
SUMMARY:À l'envers
END:VEVENT
BEGIN:VEVENT
UID:dup@example.org
DTSTAMP:20260101T000000Z
DTSTART:20270110T100000Z
SUMMARY:Premier
END:VEVENT
BEGIN:VEVENT
UID:dup@example.org
DTSTAMP:20260101T000000Z
DTSTART:20270111T100000Z
SUMMARY:Second
END:VEVENT
BEGIN:VJOURNAL
UID:journal@example.org
DTSTAMP:20260101T000000Z
SUMMARY:Notes
END:VJOURNAL
END:VCALENDAR
`, "@NEXT@", next)
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(text, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImport(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "", "association", "add", "comite-nerac", "--name", "Comité de Nérac").must(t, 0)
	file := writeFile(t, "agenda.ics", importFile("Concert"))

	before := state(t, data)
	cli(t, data, "", "import", file).must(t, 2, "--association is required")
	cli(t, data, "", "import", file, "--association", "nowhere").must(t, 1, `no association "nowhere"`)
	cli(t, data, "", "import", file, "--association", "comite-nerac", "--calendar", "Bad Slug").must(t, 2, "not a valid slug")
	cli(t, data, "", "import", filepath.Join(t.TempDir(), "missing.ics"), "--association", "comite-nerac").must(t, 1, "cannot read")
	garbage := writeFile(t, "garbage.ics", "this is not\niCalendar at all\n")
	cli(t, data, "", "import", garbage, "--association", "comite-nerac", "--calendar", "new").must(t, 1, "not a usable iCalendar file")
	allBad := writeFile(t, "allbad.ics", "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:x\nSUMMARY:no date\nEND:VEVENT\nEND:VCALENDAR\n")
	cli(t, data, "", "import", allBad, "--association", "comite-nerac", "--calendar", "new").must(t, 1, "nothing imported", "refused x: ", "DTSTART")
	tooBig := cli(t, data, "", "import", file, "--association", "comite-nerac", "--max-size", "100")
	tooBig.must(t, 1, "larger than 100 bytes")
	if after := state(t, data); after != before {
		t.Fatalf("refused imports changed the database:\nbefore %s\nafter %s", before, after)
	}

	r := cli(t, data, "", "import", file, "--association", "comite-nerac", "--calendar", "concerts", "--calendar-name", "Concerts")
	r.must(t, 0, `Created the calendar "concerts" of comite-nerac`, "2 added, 0 updated, 0 unchanged, 4 refused",
		"refused bad-no-start@example.org: ", "DTSTART",
		"refused bad-backwards@example.org: ", "before DTSTART",
		"refused dup@example.org: ",
		"refused journal@example.org: ", "VJOURNAL")

	s := openStore(t, data)
	ctx := context.Background()
	a, _ := s.GetAssociationBySlug(ctx, "comite-nerac")
	cal, err := s.GetAssociationCalendar(ctx, a.ID, "concerts")
	if err != nil || cal.Name != "Concerts" || !cal.Public {
		t.Fatalf("created calendar: %+v %v", cal, err)
	}
	evs, _ := s.ListEvents(ctx, cal.ID, false)
	if len(evs) != 2 {
		t.Fatalf("%d events stored, want 2", len(evs))
	}
	weekly, err := s.GetEventByUID(ctx, cal.ID, "good-b-weekly@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if ins, _ := s.GetInstances(ctx, weekly.ID); len(ins) != 5 {
		t.Fatalf("weekly event has %d instances, want 6 minus 1 EXDATE", len(ins))
	}
	good, _ := s.GetEventByUID(ctx, cal.ID, "good-a@example.org")
	if good.CommuneINSEE != "47195" {
		t.Fatalf("commune of the imported event %q, want Nérac", good.CommuneINSEE)
	}

	// Twice: nothing changes.
	seq := state(t, data)
	cli(t, data, "", "import", file, "--association", "comite-nerac", "--calendar", "concerts").
		must(t, 0, "0 added, 0 updated, 2 unchanged, 4 refused")
	if after := state(t, data); after != seq {
		t.Fatalf("a second import changed the database:\nbefore %s\nafter %s", seq, after)
	}
	if strings.Contains(cli(t, data, "", "import", file, "--association", "comite-nerac", "--calendar", "concerts").stdout, "Created the calendar") {
		t.Fatal("the calendar was created twice")
	}

	// A changed file updates what changed, by UID.
	changed := writeFile(t, "agenda2.ics", importFile("Concert de jazz"))
	cli(t, data, "", "import", changed, "--association", "comite-nerac", "--calendar", "concerts").
		must(t, 0, "0 added, 1 updated, 1 unchanged, 4 refused")
	good2, _ := s.GetEventByUID(ctx, cal.ID, "good-a@example.org")
	if good2.Summary != "Concert de jazz" || good2.Href != good.Href || good2.UUID != good.UUID {
		t.Fatalf("update by UID: %+v", good2)
	}

	// Into the default calendar, which exists already.
	cli(t, data, "", "import", file, "--association", "comite-nerac").must(t, 0, "2 added")
	if out := cli(t, data, "", "import", file, "--association", "comite-nerac").stdout; strings.Contains(out, "Created") {
		t.Fatalf("the default calendar was created again: %s", out)
	}
}

func TestImportReportListsTheFirstRefusals(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n")
	for i := 0; i < maxRefusalsShown+5; i++ {
		fmt.Fprintf(&sb, "BEGIN:VEVENT\r\nUID:bad-%02d\r\nSUMMARY:no start\r\nEND:VEVENT\r\n", i)
	}
	sb.WriteString("BEGIN:VEVENT\r\nUID:good\r\nDTSTART:20300101T100000Z\r\nSUMMARY:ok\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	store := dbtest.New(t)
	a, _ := dbtest.Association(t, store, "asso")
	var progress []string
	rep, err := load.ICS(context.Background(), store, a, []byte(sb.String()), load.Options{
		CalendarSlug: "main", Batch: 10,
		Progress: func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	printReport(&out, rep, "asso")
	text := out.String()
	if rep.Added != 1 || len(rep.Refused) != maxRefusalsShown+5 || rep.CalendarCreated {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(text, "refused bad-00: ") || !strings.Contains(text, "refused bad-19: ") || strings.Contains(text, "refused bad-20") ||
		!strings.Contains(text, "... and 5 more refused") {
		t.Fatalf("report text:\n%s", text)
	}
	// The reason is the back office's English wording (one place for
	// it), then the technical text.
	if !strings.Contains(text, "refused bad-00: The event has no start (DTSTART). (the VEVENT") {
		t.Fatalf("report text:\n%s", text)
	}
	if strings.Join(progress, " ") != "10/26 20/26 26/26" {
		t.Fatalf("progress %v", progress)
	}
}

func TestProgressBar(t *testing.T) {
	var sb strings.Builder
	bar := progressBar(&sb)
	bar(5, 10)
	if got := sb.String(); !strings.HasPrefix(got, "\r[###############               ]  50% 5/10 ") || !strings.HasSuffix(got, "events/s") {
		t.Fatalf("%q", got)
	}
}

func TestHrefFor(t *testing.T) {
	for uid, want := range map[string]string{
		"abc-123@example.org":              "abc-123@example.org.ics",
		"040000008200E00074C5B7101A82E008": "040000008200E00074C5B7101A82E008.ics",
	} {
		if got := load.Href(uid); got != want {
			t.Errorf("load.Href(%q) = %q, want %q", uid, got, want)
		}
	}
	for _, uid := range []string{"a/b", "../x", ".hidden", "with space", strings.Repeat("x", 300), "é"} {
		got := load.Href(uid)
		if len(got) != 36 || strings.ContainsAny(got, "/ ") {
			t.Errorf("load.Href(%q) = %q, want a hash name", uid, got)
		}
	}
}
