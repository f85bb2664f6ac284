// Command agenda-bench measures Bastide's public agenda at the scale of a
// département, over HTTP, in one run:
//
//	go run ./cmd/agenda-bench [-events 100000] [-associations 1000] [-reps 50] [-mintime 1s]
//
// It builds a département-year data set once (db/dataset: events of many
// associations over the 319 communes of the Lot-et-Garonne, weekly series
// with moved, cancelled and relocated occurrences, short and long texts,
// categories, prices, online events) into -data, and reuses it in the next
// runs (-rebuild builds it again). It compiles ./cmd/bastide and runs
// `bastide serve` over that data on 127.0.0.1: the program measured is the
// one deployed, with its defaults.
//
// For every public page type (agenda list, month, week, event page, series
// page, association page, commune, category, full-text search, date range,
// a combination, a deep page, the widget, the JSON API with each filter, the
// ICS, RSS and Atom feeds with and without filters, an association's feeds)
// it times:
//
//   - uncached: distinct URLs never asked before in the server's life (the
//     search word, the commune, the day, the event vary), so that the page
//     cache cannot answer;
//   - cached: one known URL repeated;
//
// and prints medians and 99th percentiles beside the same server's
// hello-world answer (/healthz: the whole middleware stack and the router,
// one trivial query, the two bytes "ok") measured in the same run, and the
// goals of issue #15. It then measures the answers per second of distinct
// uncached URLs with two clients at once, the first request of each page
// type after a fresh start of the server against the next ones, the
// server's peak memory, and the import rate of the data set's own events
// through load.ICS (the road of `bastide import`).
//
// Every answer is checked: status 200, a body of the page's format, and
// for the known URL of each type the event the store says comes first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
)

// config is the command line.
type config struct {
	events       int
	associations int
	reps         int
	minTime      time.Duration
	budget       time.Duration
	rateTime     time.Duration
	clients      int
	importEvents int
	seed         uint64
	data         string
	rebuild      bool
	keep         bool
	bastide      string
	cpuProfile   string
	markdown     bool
}

func (c config) plan() plan { return plan{reps: c.reps, minTime: c.minTime, budget: c.budget} }

func main() {
	var cfg config
	flag.IntVar(&cfg.events, "events", 100_000, "events in the data set")
	flag.IntVar(&cfg.associations, "associations", 1000, "associations in the data set")
	flag.IntVar(&cfg.reps, "reps", 50, "uncached requests of each page type (distinct URLs), and at least as many cached ones")
	flag.DurationVar(&cfg.minTime, "mintime", time.Second, "cached requests go on until they have run this long (at most 2000)")
	flag.DurationVar(&cfg.budget, "budget", 20*time.Second, "time budget of the uncached requests of one page type")
	flag.DurationVar(&cfg.rateTime, "ratetime", 10*time.Second, "how long the answers per second are measured")
	flag.IntVar(&cfg.clients, "clients", 2, "clients in parallel for the answers per second")
	flag.IntVar(&cfg.importEvents, "import", 10_000, "events of the data set imported again to measure the import rate (0: none)")
	flag.Uint64Var(&cfg.seed, "seed", 47, "random seed of the data set")
	flag.StringVar(&cfg.data, "data", filepath.Join(os.TempDir(), "bastide-agenda-bench"), "`directory` where data sets are built and kept between runs")
	flag.BoolVar(&cfg.rebuild, "rebuild", false, "build the data set again even if -data holds it")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the run's directory (binary, server log, import store)")
	flag.StringVar(&cfg.bastide, "bastide", "", "`path` of a bastide binary to measure (default: build ./cmd/bastide)")
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the server during the uncached and cached requests to this `file`")
	flag.BoolVar(&cfg.markdown, "markdown", false, "print the figures as a markdown table too")
	flag.Parse()
	if cfg.reps < 3 || cfg.events < 100 || cfg.associations < 1 || cfg.associations > cfg.events || cfg.clients < 1 {
		fmt.Fprintln(os.Stderr, "agenda-bench: -reps must be at least 3, -events at least 100, -associations from 1 to -events, -clients at least 1")
		os.Exit(2)
	}
	// The client keeps every answer until it checks them: fewer
	// collections on a larger heap of its own (never the server's).
	debug.SetGCPercent(400)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "agenda-bench:", err)
		os.Exit(1)
	}
	if w := rep.wrong(); len(w) > 0 {
		fmt.Fprintln(os.Stderr, "agenda-bench: incorrect answers:")
		for _, m := range w {
			fmt.Fprintln(os.Stderr, "  "+m)
		}
		os.Exit(1)
	}
}

// pageResult is what a run measured of one page type.
type pageResult struct {
	pt               *pageType
	uncached, cached *result
	// first is the first request after a start of the server; next the
	// median of the uncached ones that follow it.
	first, next time.Duration
	firstErr    string
}

// report is what a run found.
type report struct {
	dataset  *setMeta
	hello    *result
	pages    []*pageResult
	rate     float64 // answers per second, distinct uncached URLs
	rateN    int
	rateErr  string
	start    time.Duration // longest start of the server, to /healthz
	peak     int64         // the server's VmHWM during the single-client requests
	imported int
	importPS float64 // events per second
	clients  int
}

func (rep *report) wrong() []string {
	var out []string
	if rep.hello != nil && rep.hello.wrong != "" {
		out = append(out, "hello: "+rep.hello.wrong)
	}
	for _, p := range rep.pages {
		for _, r := range []*result{p.uncached, p.cached} {
			switch {
			case r == nil:
			case r.err != nil:
				out = append(out, p.pt.name+": "+r.err.Error())
			case r.wrong != "":
				out = append(out, p.pt.name+": "+r.wrong)
			}
		}
		if p.firstErr != "" {
			out = append(out, p.pt.name+" (first request): "+p.firstErr)
		}
	}
	if rep.rateErr != "" {
		out = append(out, "answers per second: "+rep.rateErr)
	}
	return out
}

// run builds or reuses the data set, measures and prints the report.
func run(ctx context.Context, cfg config, out io.Writer) (*report, error) {
	dataDir, meta, err := ensureData(ctx, cfg, out)
	if err != nil {
		return nil, err
	}
	rep := &report{dataset: meta, clients: cfg.clients}
	work, err := os.MkdirTemp("", "bastide-agenda-bench-run-")
	if err != nil {
		return nil, err
	}
	if cfg.keep {
		fmt.Fprintln(out, "run directory:", work)
	} else {
		defer os.RemoveAll(work)
	}

	// What the benchmark knows of the set, read before the server runs.
	store, err := db.Open(ctx, filepath.Join(dataDir, "bastide.db"))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	fx, err := readFixtures(ctx, store, now)
	var types []*pageType
	if err == nil {
		types, err = pageTypes(ctx, store, fx)
	}
	var ics []byte
	if err == nil && cfg.importEvents > 0 {
		ics, rep.imported, err = exportEvents(ctx, store, cfg.importEvents)
	}
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if len(ics) > 0 {
		if rep.importPS, err = importRate(ctx, work, ics, rep.imported); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
	}

	bin := cfg.bastide
	if bin == "" {
		if bin, err = buildBastide(work); err != nil {
			return nil, err
		}
	}
	logPath := filepath.Join(work, "server.log")
	env := []string(nil)
	if cfg.cpuProfile != "" {
		p, err := filepath.Abs(cfg.cpuProfile)
		if err != nil {
			return nil, err
		}
		env = append(env, cpuProfileEnv+"="+p)
	}
	start := func(env ...string) (*server, error) {
		s, took, err := startServer(bin, dataDir, logPath, env...)
		rep.start = max(rep.start, took)
		return s, err
	}

	// Single client: hello, then every type uncached and cached.
	s, err := start(env...)
	if err != nil {
		return nil, err
	}
	c := newClient(s.origin)
	p := cfg.plan()
	hello := &pageType{name: "hello (/healthz)", kind: "text", known: "/healthz", want: []string{"ok"}}
	rep.hello = cachedRun(ctx, c, hello, p)
	for _, pt := range types {
		if ctx.Err() != nil {
			s.stop()
			return nil, ctx.Err()
		}
		pr := &pageResult{pt: pt}
		pr.uncached = uncached(ctx, c, pt, p, 0)
		pr.cached = cachedRun(ctx, c, pt, p)
		rep.pages = append(rep.pages, pr)
	}
	// hello again at the end: the machine's load moves during a run
	again := cachedRun(ctx, c, hello, p)
	rep.hello.times = append(rep.hello.times, again.times...)
	if rep.hello.wrong == "" {
		rep.hello.wrong = again.wrong
	}
	if rep.peak, err = s.peakRSS(); err != nil {
		rep.peak = 0
	}
	s.stop()

	// Answers per second: a fresh server, distinct URLs of every type
	// that has enough of them, taken in turn.
	if s, err = start(); err != nil {
		return nil, err
	}
	var pool []func() (string, string)
	for i := 0; ; i++ {
		added := false
		for _, pt := range types {
			if i < pt.n && pt.n >= 100 {
				pool = append(pool, func() (string, string) { return pt.distinct(i), pt.kind })
				added = true
			}
		}
		if !added {
			break
		}
	}
	var bad string
	rep.rate, rep.rateN, bad, err = throughput(ctx, s.origin, pool, cfg.clients, cfg.rateTime)
	s.stop()
	if err != nil {
		return nil, fmt.Errorf("answers per second: %w", err)
	}
	rep.rateErr = bad

	// The first request of each type after a start, against the next
	// ones (distinct URLs, so all uncached).
	for _, pr := range rep.pages {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s, err := start()
		if err != nil {
			return nil, err
		}
		c := newClient(s.origin)
		const next = 5
		r := measure(ctx, c, func(i int, _ time.Duration) bool { return i <= next && i < pr.pt.n },
			pr.pt.distinct, wrongOf(pr.pt, false))
		s.stop()
		switch {
		case r.err != nil:
			pr.firstErr = r.err.Error()
		case r.wrong != "":
			pr.firstErr = r.wrong
		case len(r.times) >= 2:
			pr.first, pr.next = r.times[0], quantile(r.times[1:], 0.5)
		}
	}
	rep.print(out, cfg)
	return rep, nil
}

// exportEvents is the iCalendar text of up to n events of the data set,
// as stored (their series whole), one calendar after the other.
func exportEvents(ctx context.Context, store *db.Store, n int) ([]byte, int, error) {
	var out []byte
	got := 0
	for lo := int64(1); got < n; lo += db.MaxEventsData {
		ids := make([]int64, 0, db.MaxEventsData)
		for id := lo; id < lo+db.MaxEventsData && len(ids)+got < n; id++ {
			ids = append(ids, id)
		}
		data, err := store.EventsData(ctx, ids)
		if err != nil {
			return nil, 0, err
		}
		if len(data) == 0 {
			break
		}
		for _, id := range ids {
			if d, ok := data[id]; ok {
				out = append(out, d...)
				got++
			}
		}
	}
	if got == 0 {
		return nil, 0, errors.New("no event to import")
	}
	return out, got, nil
}

// importRate imports ics (n events) into a new store in dir through
// load.ICS, as `bastide import` does, and returns the events per second.
func importRate(ctx context.Context, dir string, ics []byte, n int) (float64, error) {
	store, err := db.Open(ctx, filepath.Join(dir, "import.db"))
	if err != nil {
		return 0, err
	}
	defer store.Close()
	a := &model.Association{Slug: "import", Name: "Import", CommuneINSEE: "47001"}
	if err := store.CreateAssociation(ctx, a); err != nil {
		return 0, err
	}
	t0 := time.Now()
	r, err := load.ICS(ctx, store, a, ics, load.Options{CalendarSlug: "agenda", CalendarName: "Agenda", Public: true})
	el := time.Since(t0)
	if err != nil {
		return 0, err
	}
	if r.Added != n || len(r.Refused) > 0 {
		return 0, fmt.Errorf("added %d of %d events, refused %d (%v)", r.Added, n, len(r.Refused), r.Refused[:min(3, len(r.Refused))])
	}
	return float64(n) / el.Seconds(), nil
}
