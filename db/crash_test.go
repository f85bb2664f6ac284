package db_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// The child side of TestKillDuringWrites: it writes, updates and deletes
// events as fast as it can and prints one line per acknowledged write.
func TestMain(m *testing.M) {
	if path := os.Getenv("BASTIDE_CRASH_CHILD"); path != "" {
		crashChild(path)
		return
	}
	os.Exit(m.Run())
}

func crashChild(path string) {
	ctx := context.Background()
	s, err := db.Open(ctx, path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	cals, err := s.ListCalendars(ctx, db.CalendarFilter{})
	if err != nil || len(cals) == 0 {
		fmt.Println("error no calendar", err)
		os.Exit(1)
	}
	calID := cals[0].ID
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	w := bufio.NewWriter(os.Stdout)
	round := os.Getenv("BASTIDE_CRASH_ROUND")
	for i := 0; ; i++ {
		uid := fmt.Sprintf("r%s-%d", round, i)
		start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Intn(10000)) * time.Hour)
		ev := dbtest.Event(calID, uid, start, "crash "+uid)
		// A few occurrences, so that a torn write would show.
		for k := 1; k < 4; k++ {
			ev.Instances = append(ev.Instances, model.Instance{Start: start.Add(time.Duration(k) * 24 * time.Hour), End: start.Add(time.Duration(k)*24*time.Hour + time.Hour)})
		}
		if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			fmt.Fprintln(w, "error", err)
			w.Flush()
			os.Exit(1)
		}
		fmt.Fprintf(w, "put %s %s\n", ev.Href, ev.ETag)
		w.Flush()
		if i%3 == 2 {
			prev := fmt.Sprintf("r%s-%d.ics", round, i-1)
			// Announced first: if the kill comes before the
			// acknowledgement, the delete may or may not have happened.
			fmt.Fprintf(w, "try-del %s\n", prev)
			w.Flush()
			if _, err := s.DeleteEvent(ctx, calID, prev, ""); err != nil {
				fmt.Fprintln(w, "error", err)
				w.Flush()
				os.Exit(1)
			}
			fmt.Fprintf(w, "del %s\n", prev)
			w.Flush()
		}
	}
}

// TestKillDuringWrites kills a writing process with SIGKILL at random
// moments and checks, after each kill, that every acknowledged write is
// there, that deleted objects stay deleted, and that the change log agrees
// with the events.
func TestKillDuringWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	s, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := &model.Association{Slug: "crash", Name: "Crash"}
	if err := s.CreateAssociation(ctx, a); err != nil {
		t.Fatal(err)
	}
	cal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: "main", Name: "Main", Public: true, Components: []string{"VEVENT"}}
	if err := s.CreateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	s.Close()

	acked := map[string]string{} // href -> etag; "" means deleted, "?" maybe deleted
	r := rand.New(rand.NewSource(42))
	const rounds = 24
	total := 0
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "BASTIDE_CRASH_CHILD="+path, fmt.Sprintf("BASTIDE_CRASH_ROUND=%d", round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			br := bufio.NewReader(out)
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					break // a line cut by the kill was never acknowledged
				}
				lines <- strings.TrimSuffix(l, "\n")
			}
			close(lines)
		}()
		// Wait for the first acknowledgement, then kill at a random moment.
		first, ok := <-lines
		if !ok {
			t.Fatalf("round %d: child wrote nothing", round)
		}
		time.Sleep(time.Duration(20+r.Intn(200)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		record := func(l string) {
			f := strings.Fields(l)
			switch f[0] {
			case "put":
				acked[f[1]] = f[2]
				total++
			case "try-del":
				acked[f[1]] = "?"
			case "del":
				acked[f[1]] = ""
			default:
				t.Fatalf("round %d: child: %s", round, l)
			}
		}
		record(first)
		for l := range lines {
			record(l)
		}
		cmd.Wait()

		s, err := db.Open(ctx, path)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		checkCrashState(t, ctx, s, cal.ID, acked, round)
		s.Close()
	}
	if total < rounds*5 {
		t.Fatalf("only %d acknowledged writes over %d rounds: the test did not exercise the store", total, rounds)
	}
	t.Logf("%d acknowledged writes over %d kills", total, rounds)
}

func checkCrashState(t *testing.T, ctx context.Context, s *db.Store, calID int64, acked map[string]string, round int) {
	t.Helper()
	if res, err := s.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("round %d: integrity: %s %v", round, res, err)
	}
	evs, err := s.ListEvents(ctx, calID, false)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]*model.Event{}
	for _, e := range evs {
		stored[e.Href] = e
	}
	for href, etag := range acked {
		e, ok := stored[href]
		if etag == "?" {
			continue
		}
		if etag == "" {
			if ok {
				t.Fatalf("round %d: %s was deleted (acknowledged) but is back", round, href)
			}
			continue
		}
		if !ok {
			t.Fatalf("round %d: acknowledged write %s is lost", round, href)
		}
		if e.ETag != etag {
			t.Fatalf("round %d: %s has ETag %s, acknowledged %s", round, href, e.ETag, etag)
		}
	}
	// The change log agrees with the events: the last change of every href
	// says whether it exists, and the calendar's seq is its last change.
	changes, err := s.CalendarChanges(ctx, calID, 0, db.MaxChangePage)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]model.ChangeKind{}
	var maxSeq int64
	for _, c := range changes {
		last[c.Href] = c.Kind
		maxSeq = c.Seq
	}
	for href, kind := range last {
		_, ok := stored[href]
		if ok != (kind == model.ChangePut) {
			t.Fatalf("round %d: %s: last change %s but stored=%v", round, href, kind, ok)
		}
	}
	for href := range stored {
		if last[href] != model.ChangePut {
			t.Fatalf("round %d: %s stored without a change row", round, href)
		}
	}
	cal, err := s.GetCalendar(ctx, calID)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Seq != maxSeq {
		t.Fatalf("round %d: calendar seq %d, last change %d", round, cal.Seq, maxSeq)
	}
	for _, e := range evs {
		ins, err := s.GetInstances(ctx, e.ID)
		if err != nil || len(ins) != 4 {
			t.Fatalf("round %d: %s has %d occurrences (%v), want 4", round, e.Href, len(ins), err)
		}
	}
}
