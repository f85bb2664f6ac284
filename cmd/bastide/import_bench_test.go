package main

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/ical"
)

// genICS builds an export of n events: 80% single events, 20% weekly
// series (half with COUNT, half open-ended) with an EXDATE and a moved
// occurrence each, in Europe/Paris with its VTIMEZONE.
func genICS(n int, now time.Time) []byte {
	var sb strings.Builder
	sb.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//bench//FR\r\n" +
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" +
		"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" +
		"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	const layout = "20060102T150405"
	for i := 0; i < n; i++ {
		start := day.AddDate(0, 0, i%365).Add(time.Duration(8+i%12) * time.Hour)
		end := start.Add(2 * time.Hour)
		uid := fmt.Sprintf("bench-%05d@example.org", i)
		fmt.Fprintf(&sb, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\n"+
			"SUMMARY:Événement %d\r\nDESCRIPTION:Une description de l'événement numéro %d\\, avec assez de texte pour ressembler à un export réel.\r\n"+
			"LOCATION:Salle des fêtes\\, 47000 Agen\r\nCATEGORIES:Concert,Fête\r\n", uid, start.Format(layout), end.Format(layout), i, i)
		if i%5 != 0 {
			sb.WriteString("END:VEVENT\r\n")
			continue
		}
		if i%10 == 0 {
			sb.WriteString("RRULE:FREQ=WEEKLY;COUNT=26\r\n")
		} else {
			sb.WriteString("RRULE:FREQ=WEEKLY\r\n")
		}
		fmt.Fprintf(&sb, "EXDATE;TZID=Europe/Paris:%s\r\nEND:VEVENT\r\n", start.AddDate(0, 0, 14).Format(layout))
		moved := start.AddDate(0, 0, 21)
		fmt.Fprintf(&sb, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Paris:%s\r\n"+
			"DTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\nSUMMARY:Événement %d (déplacé)\r\nEND:VEVENT\r\n",
			uid, moved.Format(layout), moved.Add(time.Hour).Format(layout), moved.Add(3*time.Hour).Format(layout), i)
	}
	sb.WriteString("END:VCALENDAR\r\n")
	return []byte(sb.String())
}

// BenchmarkImport10k imports a 10 000-event export into an empty calendar
// and reports events/s (target: at least 5 000).
func BenchmarkImport10k(b *testing.B) {
	const n = 10000
	now := time.Now()
	data := genICS(n, now)
	ctx := context.Background()
	var total, write, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		store := dbtest.New(b)
		a, _ := dbtest.Association(b, store, fmt.Sprintf("bench-%d", i))
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		rep, err := load.ICS(ctx, store, a, data, load.Options{CalendarSlug: "import", Now: now})
		total += time.Since(start)
		cpu += cpuTime() - cpu0
		if rep != nil {
			write += rep.WriteDuration
		}
		if err != nil {
			b.Fatal(err)
		}
		if rep.Added != n || len(rep.Refused) != 0 {
			b.Fatalf("added %d, refused %d: %v", rep.Added, len(rep.Refused), rep.Refused[:min(3, len(rep.Refused))])
		}
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "events/s")
	// Where the time goes: the store's writes versus parsing and expansion
	// (which overlap the writes, on the other CPUs).
	b.ReportMetric(100*write.Seconds()/total.Seconds(), "%write")
	b.ReportMetric(float64(n*b.N)/write.Seconds(), "write-events/s")
	// CPU time of the process: a figure that a busy machine does not blur.
	b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(len(data))/1e6, "MB/file")
}

// BenchmarkParse10k is the baseline of BenchmarkImport10k in the same run:
// the same file split, parsed and expanded, without the store.
func BenchmarkParse10k(b *testing.B) {
	const n = 10000
	now := time.Now()
	data := genICS(n, now)
	lim := ical.DefaultLimits()
	lim.MaxBytes = len(data) + 1
	lim.MaxComponents = load.MaxComponents
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		objs, err := ical.Split(data, lim)
		if err != nil {
			b.Fatal(err)
		}
		ex := load.Expand(objs, now)
		if len(ex.Events) != n {
			b.Fatalf("%d events", len(ex.Events))
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(n*b.N)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestGeneratedImportIsValid(t *testing.T) {
	// The benchmark's generator, small: every object imports.
	store := dbtest.New(t)
	a, _ := dbtest.Association(t, store, "gen")
	rep, err := load.ICS(context.Background(), store, a, genICS(50, time.Now()), load.Options{CalendarSlug: "import"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 50 || len(rep.Refused) != 0 {
		t.Fatalf("added %d, refused %v", rep.Added, rep.Refused)
	}
}
