package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCheckAnswer: the checks refuse what a broken server could send.
func TestCheckAnswer(t *testing.T) {
	for _, tc := range []struct {
		kind, body string
		status     int
		wrong      string
	}{
		{"html", "<!DOCTYPE html><html lang=fr>…", 200, ""},
		{"html", "<!DOCTYPE html><html lang=fr>…", 500, "status 500"},
		{"html", "", 200, "empty body"},
		{"html", "BEGIN:VCALENDAR", 200, "no <html"},
		{"ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 200, ""},
		{"rss", "<?xml?><feed>", 200, "no <rss"},
		{"atom", "<?xml?><feed xmlns=…>", 200, ""},
		{"json", `{"events":[]}`, 200, ""},
		{"json", `{"events":[`, 200, "invalid JSON"},
	} {
		got := checkAnswer(tc.kind, &reply{status: tc.status, body: []byte(tc.body)})
		if (tc.wrong == "") != (got == "") || !strings.Contains(got, tc.wrong) {
			t.Errorf("%s %d %q: %q, want %q", tc.kind, tc.status, tc.body, got, tc.wrong)
		}
	}
	pt := &pageType{name: "event page", kind: "html", known: "/events/a", want: []string{"/events/a.ics"}}
	if w := wrongOf(pt, true)(&reply{status: 200, body: []byte("<html>/events/b.ics")}); w == "" {
		t.Error("the known answer without its expected event passed")
	}
	if w := wrongOf(pt, true)(&reply{status: 200, body: []byte("<html>/events/a.ics")}); w != "" {
		t.Errorf("the known answer with its expected event: %s", w)
	}
	if w := wrongOf(pt, false)(&reply{status: 200, body: []byte("<html>/events/b.ics")}); w != "" {
		t.Errorf("an uncached answer is not held to the known one's events: %s", w)
	}
}

// TestDataSetReused: the set is built once into -data, reused by the next
// run, built again with -rebuild.
func TestDataSetReused(t *testing.T) {
	ctx := context.Background()
	cfg := config{events: 200, associations: 5, seed: 3, data: t.TempDir()}
	var out bytes.Buffer
	dir, m, err := ensureData(ctx, cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Summary == nil || m.Summary.Events != 200 || len(m.Summary.Associations) != 5 {
		t.Fatalf("summary %+v, want 200 events in 5 associations", m.Summary)
	}
	dir2, m2, err := ensureData(ctx, cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if dir2 != dir || !m2.Built.Equal(m.Built) {
		t.Errorf("second call built again: %s %v, then %s %v", dir, m.Built, dir2, m2.Built)
	}
	cfg.rebuild = true
	_, m3, err := ensureData(ctx, cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if m3.Built.Equal(m.Built) {
		t.Error("-rebuild reused the set")
	}
	if strings.Count(out.String(), "building") != 2 {
		t.Errorf("want two builds:\n%s", out.String())
	}
}
