//go:build integration

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestQuick runs the whole benchmark on a small data set: every public
// page type measured uncached, cached and first after a start, every
// answer right, the rate, the import and the memory measured. Timing is
// not judged.
func TestQuick(t *testing.T) {
	var out bytes.Buffer
	cfg := config{events: 2000, associations: 40, reps: 3, minTime: 0, budget: 5 * time.Second,
		rateTime: time.Second, clients: 2, importEvents: 500, seed: 47, data: t.TempDir(), markdown: true,
		cpuProfile: filepath.Join(t.TempDir(), "cpu.pprof")}
	rep, err := run(context.Background(), cfg, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if w := rep.wrong(); len(w) > 0 {
		t.Errorf("incorrect answers: %q", w)
	}
	want := []string{"agenda list", "month", "week", "event page", "series page", "association page",
		"commune", "category", "search q=", "date range", "commune + category + q", "deep page (after=)", "widget",
		"api", "api q=", "api commune", "api category", "api association", "api date range",
		"feed ics", "feed ics commune", "feed ics association", "feed rss", "feed rss commune", "feed rss association",
		"feed atom", "feed atom commune", "feed atom association"}
	var got []string
	for _, p := range rep.pages {
		got = append(got, p.pt.name)
		if len(p.uncached.times) < 3 || len(p.cached.times) < 3 {
			t.Errorf("%s: %d uncached and %d cached requests, want at least 3 each", p.pt.name, len(p.uncached.times), len(p.cached.times))
		}
		if p.first <= 0 || p.next <= 0 {
			t.Errorf("%s: first request after a start not measured", p.pt.name)
		}
		if len(p.pt.want) == 0 {
			t.Errorf("%s: its known URL expects nothing", p.pt.name)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("page types measured:\n%q\nwant\n%q", got, want)
	}
	if len(rep.hello.times) < 6 {
		t.Errorf("hello measured %d times, want at least 6 (before and after)", len(rep.hello.times))
	}
	if rep.rate <= 0 || rep.rateN == 0 {
		t.Errorf("answers per second not measured: %v/s, %d answers", rep.rate, rep.rateN)
	}
	if rep.imported != 500 || rep.importPS <= 0 {
		t.Errorf("import: %d events at %.0f/s, want 500", rep.imported, rep.importPS)
	}
	// the server's own profile (serve --cpuprofile), gzipped protobuf
	if b, err := os.ReadFile(cfg.cpuProfile); err != nil || len(b) < 100 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("no CPU profile of the server: %v, %d bytes", err, len(b))
	}
	if rep.peak <= 0 {
		t.Error("no peak memory measured")
	}
	for _, s := range []string{"goals (issue #15)", "| page type |", "feed atom association"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report without %q", s)
		}
	}

	// A second run reuses the data set.
	out.Reset()
	cfg.cpuProfile = ""
	cfg.importEvents, cfg.rateTime = 0, 100*time.Millisecond
	rep2, err := run(context.Background(), cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !rep2.dataset.Built.Equal(rep.dataset.Built) || strings.Contains(out.String(), "building") {
		t.Errorf("second run built the data set again:\n%s", out.String())
	}
}
