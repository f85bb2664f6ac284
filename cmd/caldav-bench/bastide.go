package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/bastide47/bastide/caldav"
	"github.com/bastide47/bastide/cmd/internal/benchkit"
	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// childEnv, when set to a database path, makes the program serve Bastide's
// CalDAV handler over that database instead of running the benchmark: the
// benchmark re-executes itself this way so that Bastide's peak memory is
// that of a process of its own.
const childEnv = "BASTIDE_BENCH_CHILD"

const benchPassword = "bench-password-47"

// benchMemoryLimit is serve's default memory budget, and benchObjectCache
// and benchListingCache the CalDAV caches serve derives from it
// (cacheBudget in cmd/bastide/config.go).
const (
	benchMemoryLimit  = 32 << 20
	benchObjectCache  = benchMemoryLimit / 8 * 3
	benchListingCache = benchMemoryLimit / 8
)

// variantEnv names the fast path the child serves without (see variants).
const variantEnv = "BASTIDE_BENCH_WITHOUT"

// variants are Bastide with one cache or fast path of caldav off, run as
// servers of their own ("bastide-noxml" and so on) so that what each one
// gains is measured in the same run as Bastide whole.
var variants = map[string]struct {
	label string
	set   func(*caldav.Options)
}{
	"noobjects":  {"no object cache", func(o *caldav.Options) { o.ObjectCache = -1 }},
	"noresolve":  {"no resolution cache", func(o *caldav.Options) { o.Without.Resolution = true }},
	"nolistings": {"no listing cache", func(o *caldav.Options) { o.ListingCache = -1 }},
}

// memProfileEnv, when set, names the file where the child writes a heap
// profile when it stops (the -memprofile flag).
const memProfileEnv = "BASTIDE_BENCH_MEMPROFILE"

// profileEnv, when set, names the file where the child writes a CPU
// profile of Bastide's server (the -cpuprofile flag).
const profileEnv = "BASTIDE_BENCH_CPUPROFILE"

// serveChild serves CalDAV on a free port of 127.0.0.1, prints its origin
// on the first line of standard output and serves until standard input is
// closed.
func serveChild(dbPath string) int {
	ctx := context.Background()
	store, err := db.Open(ctx, dbPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 1
	}
	defer store.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 1
	}
	// Profiles are of Bastide whole, not of the variants.
	whole := os.Getenv(variantEnv) == ""
	if p := os.Getenv(profileEnv); p != "" && whole {
		f, err := os.Create(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	// As bastide serve does by default (--memory-limit 32).
	debug.SetMemoryLimit(benchMemoryLimit)
	opts := caldav.Options{ObjectCache: benchObjectCache, ListingCache: benchListingCache}
	if v := os.Getenv(variantEnv); v != "" {
		variant, ok := variants[v]
		if !ok {
			fmt.Fprintln(os.Stderr, "bench child: unknown variant", v)
			return 1
		}
		variant.set(&opts)
	}
	serveUntilStdinCloses(l, caldav.NewHandler(store, nil, opts))
	if p := os.Getenv(memProfileEnv); p != "" && whole {
		if err := writeHeapProfile(p); err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			return 1
		}
	}
	return 0
}

// writeHeapProfile writes what the heap holds at the end of the run, the
// caches full, after a collection.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// startBastide creates the store (a user "bench", owner of the association
// "bench" and its calendar "Agenda"), starts the CalDAV handler in a child
// process and uploads the workload with HTTP PUTs, 8 at a time.
// variant, when not empty, is a key of variants.
func startBastide(dir string, objs []*object, variant string) (*server, error) {
	ctx := context.Background()
	dbPath := filepath.Join(dir, "bastide.db")
	if err := createBenchStore(ctx, dbPath); err != nil {
		return nil, err
	}
	name := "Bastide"
	env := []string{childEnv + "=" + dbPath}
	if variant != "" {
		v, ok := variants[variant]
		if !ok {
			return nil, fmt.Errorf("unknown variant bastide-%s", variant)
		}
		name = "Bastide, " + v.label
		env = append(env, variantEnv+"="+variant)
	}
	ch, err := spawnSelf(env...)
	if err != nil {
		return nil, err
	}
	stop := ch.stop
	s := &server{name: name, variant: variant != "", origin: ch.origin, user: "bench", pass: benchPassword,
		cmd: ch.cmd, log: ch.log, exited: ch.exited, stop: stop}
	s.peakRSS = func() (int64, error) { return vmHWM(ch.cmd.Process.Pid) }
	c := newClient(s.origin, s.user, s.pass)
	if s.calPath, err = c.discover("/.well-known/caldav", "Agenda"); err != nil {
		// the well-known URL redirects; start from the root it names
		if s.calPath, err = c.discover("/dav/", "Agenda"); err != nil {
			stop()
			return nil, fmt.Errorf("discovery: %w", err)
		}
	}
	if err := upload(c, s.calPath, objs, 8); err != nil {
		stop()
		return nil, err
	}
	return s, nil
}

// selfChild is this program re-executed in a server mode.
type selfChild struct {
	cmd    *exec.Cmd
	origin string // the first line it printed: where it serves
	log    *syncBuffer
	exited chan struct{}
	stop   func()
}

// spawnSelf re-executes this program with env added, and waits for the
// origin it prints on its first line; closing its standard input (stop)
// ends it.
func spawnSelf(env ...string) (*selfChild, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), env...)
	benchkit.DieWithParent(cmd)
	log := &syncBuffer{}
	cmd.Stderr = log
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	go func() { _ = cmd.Wait(); close(exited) }()
	track(cmd, exited)
	stop := func() {
		stdin.Close()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	if err != nil {
		stop()
		return nil, fmt.Errorf("child did not start: %v: %s", err, log)
	}
	return &selfChild{cmd: cmd, origin: strings.TrimSpace(line), log: log, exited: exited, stop: stop}, nil
}

func createBenchStore(ctx context.Context, dbPath string) error {
	store, err := db.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	hash, err := db.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	u := &model.User{Username: "bench", DisplayName: "Bench", PasswordHash: hash}
	if err := store.CreateUser(ctx, u); err != nil {
		return err
	}
	a := &model.Association{Slug: "bench", Name: "Association du banc d'essai", CommuneINSEE: "47001"}
	if err := store.CreateAssociation(ctx, a); err != nil {
		return err
	}
	if err := store.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: model.RoleOwner}); err != nil {
		return err
	}
	return store.CreateCalendar(ctx, &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID,
		Slug: "agenda", Name: "Agenda", Public: true, Components: []string{"VEVENT", "VTODO"}})
}

// upload PUTs every object (If-None-Match: *) with n requests in flight.
func upload(c *client, calPath string, objs []*object, n int) error {
	work := make(chan *object)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				rep, err := c.do("PUT", calPath+o.href, map[string]string{"If-None-Match": "*",
					"Content-Type": "text/calendar; charset=utf-8"}, o.data)
				if err == nil && rep.status != http.StatusCreated {
					err = fmt.Errorf("PUT %s: status %d: %.300s", o.href, rep.status, rep.body)
				}
				if err != nil {
					errs <- err
					for range work {
					}
					return
				}
			}
		}()
	}
	for _, o := range objs {
		select {
		case work <- o:
		case err := <-errs:
			close(work)
			wg.Wait()
			return err
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}
