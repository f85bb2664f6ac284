package main

import (
	"io"
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

// Answers are checked after the last timed request, every one of them, and
// the first wrong one is reported.
func TestMeasureChecksEveryAnswerAfterTiming(t *testing.T) {
	tg := &target{c: &client{}, results: map[string]*result{}}
	timedAll, checkedBeforeEnd, calls := false, false, 0
	tg.measure("op", plan{reps: 5, budget: time.Minute}, true, func() (time.Duration, check, error) {
		calls++
		i := calls
		if i == 5 {
			timedAll = true
		}
		return time.Millisecond, func() string {
			if !timedAll {
				checkedBeforeEnd = true
			}
			if i == 2 || i == 4 {
				return "wrong answer " + strings.Repeat("!", i)
			}
			return ""
		}, nil
	})
	r := tg.results["op"]
	if len(r.times) != 5 {
		t.Fatalf("%d requests timed, want 5", len(r.times))
	}
	if checkedBeforeEnd {
		t.Error("an answer was checked between two timed requests")
	}
	if r.wrong != "wrong answer !!" {
		t.Errorf("reported %q, want the first wrong answer", r.wrong)
	}
}

// Reads repeat beyond reps until minTime (at most maxReps times); writes
// stop at reps; the budget stops both, never before 3 requests.
func TestPlan(t *testing.T) {
	p := plan{reps: 30, minTime: 2 * time.Second, budget: 20 * time.Second}
	for _, c := range []struct {
		i        int
		elapsed  time.Duration
		readOnly bool
		want     bool
	}{
		{29, time.Millisecond, false, true},
		{30, time.Millisecond, false, false},
		{30, time.Millisecond, true, true},
		{500, time.Second, true, true},
		{500, 2 * time.Second, true, false},
		{maxReps, time.Second, true, false},
		{10, 21 * time.Second, false, false},
		{2, time.Minute, true, true},
		{3, time.Minute, true, false},
	} {
		if got := p.more(c.i, c.elapsed, c.readOnly); got != c.want {
			t.Errorf("more(%d, %v, read-only %v) = %v, want %v", c.i, c.elapsed, c.readOnly, got, c.want)
		}
	}
}

// A variant of Bastide with a fast path off is measured like a server but
// compared with Bastide only: it has a row of its own in the table of
// fast paths, never a column among Radicale and Xandikos.
func TestVariantsTable(t *testing.T) {
	var out strings.Builder
	rep, err := run(config{events: 60, reps: 3, budget: time.Second, seed: 47, servers: "bastide,bastide-nolistings"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.bastideWrong) > 0 {
		t.Fatalf("incorrect answers: %v\n%s", rep.bastideWrong, out.String())
	}
	text := out.String()
	main, variants, ok := strings.Cut(text, "fast paths off")
	if !ok {
		t.Fatalf("no table of fast paths:\n%s", text)
	}
	header := ""
	for _, l := range strings.Split(main, "\n") {
		if strings.HasPrefix(l, "median / p90") {
			header = l
		}
	}
	if header == "" || strings.Contains(header, "no listing cache") {
		t.Fatalf("the variant is a column of the main table:\n%s", main)
	}
	row := ""
	for _, l := range strings.Split(variants, "\n") {
		if strings.HasPrefix(l, "Bastide, no listing cache") {
			row = l
		}
	}
	if strings.Count(row, "×") != len(opNames) || !strings.HasSuffix(row, " MB") {
		t.Fatalf("variant row %q, want a ratio per operation and its peak memory:\n%s", row, variants)
	}
	if _, err := run(config{events: 10, reps: 3, budget: time.Second, seed: 47, servers: "bastide-nosuchpath"}, io.Discard); err == nil || !strings.Contains(err.Error(), "unknown variant") {
		t.Fatalf("unknown variant: %v", err)
	}
}
