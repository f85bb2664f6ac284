// Command bench measures Bastide's CalDAV server against Radicale and
// Xandikos (the Debian packages) on one realistic workload, in one run:
//
//	go run ./cmd/caldav-bench [-events 10000] [-reps 30] [-mintime 2s] [-budget 20s]
//
// It generates an association calendar (Europe/Paris, about 20% recurring
// series with an EXDATE and a moved occurrence each), loads it into each
// server, measures PUT of a new object, GET, PROPFIND Depth 1 on the
// calendar, a calendar-query for one month (time-range over recurring
// events), a calendar-multiget of 100 objects and a sync-collection after
// 10 changes, checks every answer against the set computed from the
// generated data, and prints medians, 90th percentiles, the ratio of the
// faster of Radicale and Xandikos to Bastide, and every server's peak
// memory (VmHWM of its process: Bastide runs in a child process).
//
// Loading: Bastide gets every object by HTTP PUT (8 in parallel);
// Radicale's and Xandikos' storage is written directly (Radicale's
// multifilesystem folder, Xandikos' git repository committed with git),
// because uploading 10 000 objects over HTTP takes them tens of minutes.
// Radicale builds its item cache on the first request: one untimed
// PROPFIND and calendar-query warm every server up before measuring.
//
// Timing: each operation runs -reps times; those that write nothing go on
// until -mintime has passed (at most 2000 times). Requests follow one
// another; the answers are checked after them (see measure), and read into
// a buffer the client keeps (see timed). The same for every server.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

// config is the command line.
type config struct {
	events  int
	reps    int
	minTime time.Duration
	budget  time.Duration
	seed    uint64
	servers string
	keep    bool
}

func (c config) plan() plan { return plan{reps: c.reps, budget: c.budget, minTime: c.minTime} }

// report is what a run found, for the tests.
type report struct {
	targets []*target
	peak    map[string]int64
	// floor is the loopback floor for the answers of GET and multiget:
	// operation -> median time of a server that only sends that many bytes.
	floor map[string]time.Duration
	// bastideWrong lists Bastide's incorrect answers.
	bastideWrong []string
}

func main() {
	if db := os.Getenv(childEnv); db != "" {
		os.Exit(serveChild(db))
	}
	if os.Getenv(floorEnv) != "" {
		os.Exit(serveFloor())
	}
	var cfg config
	flag.IntVar(&cfg.events, "events", 10000, "number of calendar objects in the workload")
	flag.IntVar(&cfg.reps, "reps", 30, "repetitions of each operation (at least 3, fewer when -budget runs out)")
	flag.DurationVar(&cfg.minTime, "mintime", 2*time.Second, "operations that write nothing repeat beyond -reps until they have run this long (at most 2000 times)")
	flag.DurationVar(&cfg.budget, "budget", 20*time.Second, "time budget of each operation on each server")
	flag.Uint64Var(&cfg.seed, "seed", 47, "random seed of the workload")
	flag.StringVar(&cfg.servers, "servers", "bastide,radicale,xandikos", "servers to measure")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the temporary directory")
	profile := flag.String("cpuprofile", "", "write a CPU profile of Bastide's server to this file")
	memProfile := flag.String("memprofile", "", "write a heap profile of Bastide's server, taken when it stops, to this file")
	flag.Parse()
	for env, path := range map[string]string{profileEnv: *profile, memProfileEnv: *memProfile} {
		if path == "" {
			continue
		}
		p, err := filepath.Abs(path)
		if err == nil {
			err = os.Setenv(env, p)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
	}
	// The client holds the whole workload: its collections, every few
	// answers, would take a core from the server measured. Fewer of them,
	// on a larger heap of the benchmark's own (never the servers').
	debug.SetGCPercent(400)
	rep, err := run(cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if len(rep.bastideWrong) > 0 {
		fmt.Fprintln(os.Stderr, "bench: Bastide gave incorrect answers")
		os.Exit(1)
	}
}

// run generates the workload, measures each server in turn and prints the
// report to out.
func run(cfg config, out io.Writer) (*report, error) {
	w := newWorkload(cfg.events, cfg.seed)
	recurring := 0
	for _, o := range w.objects {
		if o.recurring {
			recurring++
		}
	}
	hrefs, inst := w.expectedMonth(w.objects)
	fmt.Fprintf(out, "workload: %d objects (%d recurring with EXDATE and a moved occurrence), Europe/Paris, "+
		"September 2024 to August 2027;\nquery month March 2026 (Paris): %d objects, %d occurrences\n",
		len(w.objects), recurring, len(hrefs), inst)
	dir, err := os.MkdirTemp("", "bastide-caldav-bench-")
	if err != nil {
		return nil, err
	}
	if cfg.keep {
		fmt.Fprintln(out, "temporary directory:", dir)
	} else {
		defer os.RemoveAll(dir)
		// an interrupted run removes its directory too (the servers die
		// with the process, see benchkit.DieWithParent)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		defer func() { signal.Stop(sig); close(sig) }()
		go func() {
			if _, ok := <-sig; ok {
				killAll()
				os.RemoveAll(dir)
				os.Exit(130)
			}
		}()
	}
	rep := &report{peak: map[string]int64{}, floor: map[string]time.Duration{}}
	for i, name := range strings.Split(cfg.servers, ",") {
		sub := dir + string(os.PathSeparator) + name
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return nil, err
		}
		t0 := time.Now()
		var s *server
		switch name {
		case "bastide":
			s, err = startBastide(sub, w.objects, "")
		case "radicale":
			s, err = startRadicale(sub, w.objects)
		case "xandikos":
			s, err = startXandikos(sub, w.objects)
		default:
			if v, ok := strings.CutPrefix(name, "bastide-"); ok {
				s, err = startBastide(sub, w.objects, v)
			} else {
				err = fmt.Errorf("unknown server %q", name)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		t := newTarget(s, w, cfg.seed+uint64(i))
		// warm-up, untimed (Radicale builds its item cache here)
		_, _, _ = t.opPropfind()
		_, _, _ = t.opQuery()
		fmt.Fprintf(out, "%s: loaded and warmed up in %s\n", s.name, time.Since(t0).Round(time.Millisecond))
		t.run(cfg.plan())
		if peak, err := s.peakRSS(); err == nil {
			rep.peak[s.name] = peak
		}
		s.stop()
		rep.targets = append(rep.targets, t)
		if s.name == "Bastide" {
			for _, op := range opNames {
				r := t.results[op]
				switch {
				case r.err != nil:
					rep.bastideWrong = append(rep.bastideWrong, op+": "+r.err.Error())
				case r.wrong != "":
					rep.bastideWrong = append(rep.bastideWrong, op+": "+r.wrong)
				}
			}
			if !strings.HasPrefix(t.expand, "correct") {
				rep.bastideWrong = append(rep.bastideWrong, "expand: "+t.expand)
			}
			// The same answers' sizes from a server that does nothing.
			var sizes []int
			for _, op := range floorOps {
				if r := t.results[op]; r != nil && r.bytes > 0 {
					sizes = append(sizes, r.bytes)
				}
			}
			floor, err := measureFloor(sizes, cfg.plan())
			if err != nil {
				return nil, fmt.Errorf("loopback floor: %w", err)
			}
			for _, op := range floorOps {
				if r := t.results[op]; r != nil && r.bytes > 0 {
					rep.floor[op] = floor[r.bytes]
				}
			}
		}
	}
	rep.print(out)
	return rep, nil
}

// floorOps are the operations whose answer the loopback floor resends.
var floorOps = []string{"GET", "calendar-multiget 100"}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

func (rep *report) print(out io.Writer) {
	var targets, variants []*target
	for _, t := range rep.targets {
		if t.variant {
			variants = append(variants, t)
		} else {
			targets = append(targets, t)
		}
	}
	fmt.Fprintf(out, "\n%-24s", "median / p90 (ms)")
	for _, t := range targets {
		fmt.Fprintf(out, " %-26s", t.name)
	}
	fmt.Fprintf(out, " %s\n", "ratio")
	var bastide *target
	for _, t := range targets {
		if t.name == "Bastide" {
			bastide = t
		}
	}
	var notes []string
	for _, op := range opNames {
		fmt.Fprintf(out, "%-24s", op)
		var best time.Duration
		for _, t := range targets {
			r := t.results[op]
			cell := ""
			switch {
			case r == nil:
				cell = "-"
			case r.err != nil:
				cell = "error"
				notes = append(notes, fmt.Sprintf("%s %s: error: %v", t.name, op, r.err))
			default:
				cell = fmt.Sprintf("%s / %s (n=%d)", ms(r.median()), ms(r.p90()), len(r.times))
				if r.wrong != "" {
					cell += " ✗"
					notes = append(notes, fmt.Sprintf("%s %s: incorrect: %s", t.name, op, r.wrong))
				}
				if t != bastide && len(r.times) > 0 && (best == 0 || r.median() < best) {
					best = r.median()
				}
			}
			fmt.Fprintf(out, " %-26s", cell)
		}
		if bastide != nil && best > 0 && bastide.results[op] != nil && bastide.results[op].median() > 0 {
			fmt.Fprintf(out, " ×%.1f", float64(best)/float64(bastide.results[op].median()))
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "%-24s", "expand (month, checked)")
	for _, t := range targets {
		fmt.Fprintf(out, " %-26s", strings.SplitN(t.expand, ":", 2)[0])
		if !strings.HasPrefix(t.expand, "correct") {
			notes = append(notes, fmt.Sprintf("%s expand: %s", t.name, t.expand))
		}
	}
	fmt.Fprintf(out, "\n%-24s", "peak memory (VmHWM)")
	for _, t := range targets {
		fmt.Fprintf(out, " %-26s", fmt.Sprintf("%.1f MB", float64(rep.peak[t.name])/(1<<20)))
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "ratio: the faster median of the other servers ÷ Bastide's median (incorrect answers count too)")
	for _, op := range floorOps {
		if f, ok := rep.floor[op]; ok && bastide != nil {
			r := bastide.results[op]
			fmt.Fprintf(out, "loopback floor, %s: %s ms for the same %d bytes from a server that only sends them (%.0f%% of Bastide's median)\n",
				op, ms(f), r.bytes, 100*float64(f)/float64(r.median()))
		}
	}
	if bastide != nil && len(targets) > 1 {
		fmt.Fprintln(out, "\ngoals at this size:")
		for _, op := range opNames {
			r := bastide.results[op]
			if r == nil || len(r.times) == 0 {
				continue
			}
			var best time.Duration
			for _, t := range targets {
				if o := t.results[op]; t != bastide && o != nil && len(o.times) > 0 && (best == 0 || o.median() < best) {
					best = o.median()
				}
			}
			ratio := float64(best) / float64(r.median())
			line := fmt.Sprintf("  %-24s ×%-7.1f %s", op, ratio, verdict(ratio >= 50, "≥ 50× faster"))
			if op == "PUT" || op == "GET" {
				line += ", " + verdict(r.median() < 2*time.Millisecond, "median < 2 ms")
			}
			if r.wrong == "" && r.err == nil {
				line += ", correct"
			} else {
				line += ", INCORRECT"
			}
			fmt.Fprintln(out, line)
		}
		fmt.Fprintf(out, "  %-24s %.1f MB %s\n", "peak memory", float64(rep.peak[bastide.name])/(1<<20),
			verdict(rep.peak[bastide.name] < 60<<20, "< 60 MB"))
	}
	if len(notes) > 0 {
		fmt.Fprintln(out, "\n✗ marks an incorrect answer:")
		for _, n := range notes {
			fmt.Fprintln(out, "  "+n)
		}
	}
	if bastide != nil && len(variants) > 0 {
		rep.printVariants(out, bastide, variants)
	}
}

// printVariants prints what each fast path gains: every operation's
// median with the path off, and how many times Bastide whole is faster.
func (rep *report) printVariants(out io.Writer, bastide *target, variants []*target) {
	fmt.Fprintln(out, "\nfast paths off: median (ms) and how many times slower than Bastide whole")
	fmt.Fprintf(out, "%-28s", "variant")
	for _, op := range opNames {
		fmt.Fprintf(out, " %-22s", op)
	}
	fmt.Fprintf(out, " %s\n", "peak memory")
	for _, t := range append([]*target{bastide}, variants...) {
		fmt.Fprintf(out, "%-28s", t.name)
		for _, op := range opNames {
			r, b := t.results[op], bastide.results[op]
			cell := "-"
			switch {
			case r == nil:
			case r.err != nil || r.wrong != "":
				cell = "incorrect"
				rep.bastideWrong = append(rep.bastideWrong, t.name+" "+op)
			case len(r.times) > 0 && b != nil && b.median() > 0:
				cell = fmt.Sprintf("%s ×%.2f", ms(r.median()), float64(r.median())/float64(b.median()))
			}
			fmt.Fprintf(out, " %-22s", cell)
		}
		fmt.Fprintf(out, " %.1f MB\n", float64(rep.peak[t.name])/(1<<20))
	}
}

func verdict(ok bool, goal string) string {
	if ok {
		return goal + ": met"
	}
	return goal + ": MISSED"
}
