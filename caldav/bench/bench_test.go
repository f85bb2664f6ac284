package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// the benchmark re-executes its own binary to run Bastide's server
	if db := os.Getenv(childEnv); db != "" {
		os.Exit(serveChild(db))
	}
	if os.Getenv(floorEnv) != "" {
		os.Exit(serveFloor())
	}
	os.Exit(m.Run())
}

// TestQuick runs the benchmark on a small workload against the three
// servers: correctness only, not timing. Bastide must answer everything
// right; Radicale 3.1.8 computes time ranges correctly too, which checks the
// benchmark's own expectations against an independent implementation.
func TestQuick(t *testing.T) {
	requestTimeout = time.Minute
	var out bytes.Buffer
	rep, err := run(config{events: 150, reps: 3, budget: 2 * time.Second, seed: 47, servers: "bastide,radicale,xandikos"}, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.bastideWrong) > 0 {
		t.Errorf("Bastide answered incorrectly: %q", rep.bastideWrong)
	}
	if len(rep.targets) != 3 {
		t.Fatalf("measured %d servers, want 3", len(rep.targets))
	}
	for _, tg := range rep.targets {
		for _, op := range opNames {
			r := tg.results[op]
			if r == nil || r.err != nil || len(r.times) < 3 {
				t.Errorf("%s %s: not measured: %+v", tg.name, op, r)
			}
		}
		if tg.name == "Radicale" {
			for _, op := range []string{"GET", "PROPFIND Depth 1", "calendar-query month", "calendar-multiget 100"} {
				if w := tg.results[op].wrong; w != "" {
					t.Errorf("Radicale disagrees with the expected answer of %s: %s", op, w)
				}
			}
		}
	}
	for _, op := range floorOps {
		if rep.floor[op] <= 0 {
			t.Errorf("no loopback floor measured for %s: %v", op, rep.floor)
		}
	}
	if rep.peak["Bastide"] <= 0 {
		t.Errorf("no peak memory measured for Bastide: %v", rep.peak)
	}
	if !strings.Contains(out.String(), "calendar-query month") {
		t.Errorf("report without the operations:\n%s", out.String())
	}
}

// TestWorkload checks the generator: the share of series, and that every
// series has lost one occurrence to EXDATE and moved another.
func TestWorkload(t *testing.T) {
	w := newWorkload(2000, 1)
	rec := 0
	for _, o := range w.objects {
		if !o.recurring {
			continue
		}
		rec++
		if !strings.Contains(o.data, "\r\nEXDATE;TZID=Europe/Paris:") || !strings.Contains(o.data, "\r\nRECURRENCE-ID;TZID=Europe/Paris:") {
			t.Fatalf("series without EXDATE or override:\n%s", o.data)
		}
	}
	if rec < 300 || rec > 500 {
		t.Errorf("%d series in 2000 objects, want about 20%%", rec)
	}
	hrefs, inst := w.expectedMonth(w.objects)
	if len(hrefs) == 0 || inst < len(hrefs) {
		t.Errorf("month: %d objects, %d occurrences", len(hrefs), inst)
	}
}
