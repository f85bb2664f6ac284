package ical

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var benchNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

func benchParseAndExpand(b *testing.B, data []byte, wantMin int) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		o, err := ParseObject(data, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		e, err := o.Event(benchNow, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if len(e.Instances) < wantMin {
			b.Fatalf("%d instances", len(e.Instances))
		}
	}
}

// BenchmarkParseAndExpand measures a PUT: parse, validate, extract fields
// and expand the stored instances.
func BenchmarkParseAndExpand(b *testing.B) {
	b.Run("single", func(b *testing.B) {
		benchParseAndExpand(b, event("DTSTART;TZID=Europe/Paris:20260314T140000", "DTEND;TZID=Europe/Paris:20260314T180000",
			"SUMMARY:Loto de l'école", "LOCATION:Salle des fêtes, Nérac", "DESCRIPTION:Nombreux lots à gagner.", "CATEGORIES:Loto,École", "GEO:44.136;0.339"), 1)
	})
	b.Run("weekly-2y", func(b *testing.B) {
		benchParseAndExpand(b, event("DTSTART;TZID=Europe/Paris:20260305T180000", "DTEND;TZID=Europe/Paris:20260305T200000",
			"RRULE:FREQ=WEEKLY;BYDAY=TH", "EXDATE;TZID=Europe/Paris:20260409T180000", "SUMMARY:Chorale"), 95)
	})
}

func BenchmarkExpandRangeYear(b *testing.B) {
	o, err := ParseObject(event("DTSTART;TZID=Europe/Paris:20200105T180000", "DTEND;TZID=Europe/Paris:20200105T200000", "RRULE:FREQ=DAILY"), Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ins, err := o.ExpandRange(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Limits{})
		if err != nil || len(ins) != 365 {
			b.Fatalf("%d %v", len(ins), err)
		}
	}
}

// BenchmarkWriteFeed writes the public feed of 1 000 stored objects (the
// client samples of testdata, each under its own UIDs): the work of
// /feeds/agenda.ics besides reading the rows.
func BenchmarkWriteFeed(b *testing.B) {
	var samples [][]byte
	for _, name := range []string{"thunderbird.ics", "apple.ics", "davx5.ics", "google.ics", "outlook.ics", "allday_floating.ics"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, data)
	}
	objs := make([][]byte, 1000)
	for i := range objs {
		objs[i] = bytes.ReplaceAll(samples[i%len(samples)], []byte("\nUID:"), fmt.Appendf(nil, "\nUID:%d-", i))
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := WriteFeed(&buf, objs, FeedOptions{Name: "Agenda", Timezone: "Europe/Paris"}); err != nil {
			b.Fatal(err)
		}
	}
	if n := bytes.Count(buf.Bytes(), []byte("BEGIN:VEVENT")); n < len(objs) {
		b.Fatalf("%d events written of %d objects", n, len(objs))
	}
}
