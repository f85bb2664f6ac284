package main

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
)

// procStatusKB reads fields of /proc/PID/status, in kB.
func procStatusKB(t *testing.T, pid int, fields ...string) map[string]int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for _, f := range fields {
			if name == f {
				v := strings.TrimSuffix(strings.TrimSpace(rest), " kB")
				n, err := strconv.Atoi(v)
				if err != nil {
					t.Fatalf("%s: %q", f, rest)
				}
				out[f] = n
			}
		}
	}
	for _, f := range fields {
		if _, ok := out[f]; !ok {
			t.Fatalf("no %s in /proc/%d/status", f, pid)
		}
	}
	return out
}

// TestServeIdleMemory: serve on the demo data, after its start and a few
// requests (the agenda, a search, a feed, the API, a CalDAV discovery),
// holds less than 25 MB of memory of its own (RssAnon: the Go heap,
// SQLite's caches, stacks). The mapped pages of the program file
// (RssFile) are reported beside it: they are the binary's code and data,
// shared with the kernel's file cache and given back under pressure.
func TestServeIdleMemory(t *testing.T) {
	data := t.TempDir()
	addr := freePort(t)
	first := startServeAt(t, data, addr, "--demo")
	first.stop(t)
	s := startServeAt(t, data, addr)
	for _, path := range []string{"/", "/?q=loto", "/feeds/agenda.rss", "/api/events", "/"} {
		get(t, s.url+path)
	}
	req, err := http.NewRequest("PROPFIND", s.url+"/dav/", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("PROPFIND /dav/ without a password: %s", resp.Status)
	}
	m := procStatusKB(t, s.cmd.Process.Pid, "VmRSS", "RssAnon", "RssFile")
	t.Logf("idle: VmRSS %.1f MB = RssAnon %.1f MB (Bastide's own) + RssFile %.1f MB (the program file)",
		float64(m["VmRSS"])/1024, float64(m["RssAnon"])/1024, float64(m["RssFile"])/1024)
	if m["RssAnon"] >= 25*1024 {
		t.Errorf("idle serve holds %.1f MB of its own memory (RssAnon), want < 25 MB", float64(m["RssAnon"])/1024)
	}
	s.stop(t)
}
