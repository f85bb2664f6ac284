package ical

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fuzzSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.ics"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add(event("DTSTART:20260302T100000Z", "RRULE:FREQ=SECONDLY"))
	f.Add(event("DTSTART;VALUE=DATE:20260302", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"))
}

// FuzzDecode: Decode never panics, and what it accepts encodes and decodes
// back to the same properties.
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := Decode(data, Limits{MaxBytes: 64 << 10, MaxLineLen: 8 << 10})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ical: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		enc, err := Encode(cal)
		if err != nil {
			return // e.g. a param value with a quote cannot be written back
		}
		cal2, err := Decode(enc, Limits{MaxBytes: 1 << 20})
		if err != nil {
			t.Fatalf("cannot decode own output: %v\n%q", err, enc)
		}
		if a, b := strings.Join(flatten(cal.Component), "\n"), strings.Join(flatten(cal2.Component), "\n"); a != b {
			t.Fatalf("round trip changed the calendar:\n%s\n---\n%s", a, b)
		}
	})
}

// FuzzParseObject: parsing, storing and expanding never panic and stay
// within their bounds.
func FuzzParseObject(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxBytes: 64 << 10, MaxInstances: 200, MaxSteps: 5000}
		o, err := ParseObject(data, lim)
		if err != nil {
			return
		}
		e, err := o.Event(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), lim)
		if err != nil {
			return
		}
		if len(e.Instances) > lim.MaxInstances+len(o.Overrides) {
			t.Fatalf("%d instances, limit %d", len(e.Instances), lim.MaxInstances)
		}
		for _, in := range e.Instances {
			if in.End.Before(in.Start) {
				t.Fatalf("instance ends before it starts: %+v", in)
			}
		}
		ins, _ := o.ExpandRange(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), lim)
		if len(ins) > lim.MaxInstances+len(o.Overrides) {
			t.Fatalf("%d instances, limit %d", len(ins), lim.MaxInstances)
		}
	})
}
