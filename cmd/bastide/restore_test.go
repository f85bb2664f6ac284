package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// davClient is a calendar app of one user on one calendar.
type davClient struct {
	base, cal, user, pass string
}

func (c davClient) do(t *testing.T, method, path, body string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	req.SetBasicAuth(c.user, c.pass)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c davClient) put(t *testing.T, n int) int {
	t.Helper()
	ics := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//restore test//FR\r\nBEGIN:VEVENT\r\nUID:ev%d@restore\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270601T%02d0000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Répétition %d\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", n, n%20, n)
	st, _ := c.do(t, http.MethodPut, c.cal+"ev"+strconv.Itoa(n)+".ics", ics, "Content-Type", "text/calendar; charset=utf-8")
	return st
}

var syncTokenRE = regexp.MustCompile(`<D:sync-token>([^<]+)</D:sync-token>`)

// sync runs a sync-collection from tok and returns the status, the hrefs
// listed and the new token.
func (c davClient) sync(t *testing.T, tok string) (int, []string, string) {
	t.Helper()
	st, body := c.do(t, "REPORT", c.cal, `<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>`+tok+
		`</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`, "Content-Type", "application/xml", "Depth", "1")
	if st != http.StatusMultiStatus {
		return st, nil, body
	}
	var hrefs []string
	for _, m := range regexp.MustCompile(`ev(\d+)\.ics`).FindAllStringSubmatch(body, -1) {
		hrefs = append(hrefs, m[1])
	}
	m := syncTokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sync token in\n%s", body)
	}
	return st, hrefs, m[1]
}

// A backup taken while a calendar app keeps writing over CalDAV (and the
// publisher follows the log), restored as the README says, serves a
// consistent point in time, and the calendar apps' sync tokens behave.
func TestBackupUnderWritesRestored(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "mot-de-passe-d-alice\n", "user", "add", "alice").must(t, 0)
	cli(t, data, "", "association", "add", "comite-nerac", "--name", "Comité des fêtes de Nérac").must(t, 0)
	cli(t, data, "", "member", "add", "comite-nerac", "alice", "--role", "owner").must(t, 0)
	addr := freePort(t)
	srv := startServeAt(t, data, addr)
	app := davClient{base: srv.url, cal: "/dav/calendars/alice/comite-nerac.agenda/", user: "alice", pass: "mot-de-passe-d-alice"}
	if st := app.put(t, 0); st != http.StatusCreated {
		t.Fatalf("first PUT: %d", st)
	}
	st, _, tokenBefore := app.sync(t, "")
	if st != http.StatusMultiStatus {
		t.Fatalf("first sync: %d %s", st, tokenBefore)
	}

	// The writer: one event after another, as fast as the server takes them.
	ctx, stopWriting := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var mu sync.Mutex
	written := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 1; ctx.Err() == nil; n++ {
			if st := app.put(t, n); st != http.StatusCreated {
				t.Errorf("PUT %d during the backup: %d", n, st)
				return
			}
			mu.Lock()
			written = n
			mu.Unlock()
		}
	}()
	waitWritten := func(n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			w := written
			mu.Unlock()
			if w >= n {
				return
			}
			if time.Now().After(deadline) || t.Failed() {
				t.Fatalf("the writer is stuck at %d", w)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitWritten(10)
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	mu.Lock()
	beforeBackup := written
	mu.Unlock()
	cli(t, data, "", "backup", copyPath).must(t, 0, "Backup of")
	mu.Lock()
	atBackup := written
	mu.Unlock()
	waitWritten(atBackup + 10)
	// A token issued after the backup: it has seen events the copy lacks.
	st, _, tokenAfter := app.sync(t, tokenBefore)
	stopWriting()
	wg.Wait()
	if st != http.StatusMultiStatus {
		t.Fatalf("sync after the backup: %d", st)
	}
	srv.stop(t)

	// Restore as the README says: serve stopped, the copy in place of
	// bastide.db, no journal of the old file left beside it.
	db := filepath.Join(data, "bastide.db")
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	b, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, b, 0o600); err != nil {
		t.Fatal(err)
	}
	srv = startServeAt(t, data, addr)
	store := openStore(t, data)
	if res, err := store.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity of the restored database: %q %v", res, err)
	}
	// A point in time: events 0..k, each with its change and occurrences.
	var nums []int
	rows, err := store.Reader().Query(`SELECT href FROM events`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var href string
		rows.Scan(&href)
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(href, "ev"), ".ics"))
		if err != nil {
			t.Fatalf("unexpected event %q", href)
		}
		nums = append(nums, n)
	}
	rows.Close()
	sort.Ints(nums)
	// Every PUT answered before the backup began is in; none started after
	// it ended (one may have been in flight at its end).
	if k := len(nums) - 1; k < 0 || nums[k] != k || k < beforeBackup || k > atBackup+1 {
		t.Fatalf("restored events %v: want ev0 to evK without a gap, %d <= K <= %d", nums, beforeBackup, atBackup+1)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.event_id = e.id AND c.kind = 'put')`: 0,
		`SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_instances i WHERE i.event_id = e.id)`:            0,
		`SELECT count(*) FROM event_instances`:     3 * len(nums),
		`SELECT count(DISTINCT href) FROM changes`: len(nums),
		`SELECT count(*) FROM changes WHERE seq > (SELECT seq FROM calendars WHERE id = changes.calendar_id)`: 0,
	} {
		var got int
		if err := store.Reader().QueryRow(q).Scan(&got); err != nil || got != want {
			t.Errorf("%s: %d (%v), want %d", q, got, err, want)
		}
	}

	// The token from before the backup still works and lists what the copy
	// has since; the one from after it is refused, and a fresh sync works.
	st, listed, _ := app.sync(t, tokenBefore)
	if st != http.StatusMultiStatus || len(listed) != len(nums)-1 {
		t.Fatalf("sync from the pre-backup token on the restored copy: %d, %d objects listed, want 207 and %d", st, len(listed), len(nums)-1)
	}
	st, _, body := app.sync(t, tokenAfter)
	if st != http.StatusForbidden || !strings.Contains(body, "valid-sync-token") {
		t.Fatalf("sync from the post-backup token: %d %s, want 403 DAV:valid-sync-token", st, body)
	}
	if st, listed, _ = app.sync(t, ""); st != http.StatusMultiStatus || len(listed) != len(nums) {
		t.Fatalf("fresh sync: %d, %d objects, want %d", st, len(listed), len(nums))
	}
	if st := app.put(t, 100000); st != http.StatusCreated {
		t.Fatalf("PUT on the restored instance: %d", st)
	}
	srv.stop(t)
}
