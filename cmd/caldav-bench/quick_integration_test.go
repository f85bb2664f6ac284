//go:build integration

package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

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
