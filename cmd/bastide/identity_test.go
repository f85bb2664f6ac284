package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// One database is one instance: a second serve on it is refused while the
// first runs (and allowed once it is gone, even killed with -9), and the
// base URL recorded at the first start cannot change afterwards.
func TestServeIdentity(t *testing.T) {
	data := t.TempDir()
	first := startServe(t, data)
	addr := strings.TrimPrefix(first.url, "http://")

	cli(t, data, "", "serve", "--addr", freePort(t)).must(t, 1, "another `bastide serve`", "already runs on the data directory")

	// Commands take the recorded base URL and refuse another one.
	cli(t, data, "", "user", "add", "ann").must(t, 1) // no password on stdin
	cli(t, data, "ann-password-1\n", "user", "add", "ann").must(t, 0)
	r := cli(t, data, "", "app-password", "add", "ann", "--name", "phone")
	r.must(t, 0)
	if !strings.Contains(r.stderr, "http://localhost:"+portOf(addr)+"/dav/") && !strings.Contains(r.stderr, first.url+"/dav/") {
		t.Fatalf("app-password add did not show the recorded address:\n%s", r.stderr)
	}
	cli(t, data, "", "app-password", "add", "ann", "--name", "laptop", "--base-url", "https://elsewhere.example").must(t, 1, "belongs to the instance", "cannot change")
	cli(t, data, "", "follow", "--base-url", "https://elsewhere.example", "@club@m.example").must(t, 1, "belongs to the instance")

	// kill -9: the kernel drops the lock with the process.
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-first.done

	// Another address, hence another base URL: refused, with what to do.
	cli(t, data, "", "serve", "--addr", freePort(t)).must(t, 1, "belongs to the instance", "--base-url", "another --data directory")
	// The same address: it starts again.
	again := startServeAt(t, data, addr)
	again.stop(t)
}

func portOf(addr string) string {
	_, port, _ := strings.Cut(addr, ":")
	return port
}

// A command run without --data where no database exists says where it
// creates one; with --data it names the file too.
func TestNewDatabaseIsAnnounced(t *testing.T) {
	dir := t.TempDir()
	run := func(env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Dir = dir
		cmd.Env = append(cleanEnv(), env...)
		cmd.Stdin = strings.NewReader("a-long-password\n")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	out := run(nil, "user", "add", "bea")
	want := filepath.Join(dir, "data", "bastide.db")
	if !strings.Contains(out, "no --data given") || !strings.Contains(out, want) {
		t.Fatalf("no notice naming %s:\n%s", want, out)
	}
	if _, err := os.Stat(want); err != nil {
		t.Fatal(err)
	}
	// Once it exists, nothing more is said.
	if out := run(nil, "user", "add", "cid"); strings.Contains(out, "creating") {
		t.Fatalf("notice repeated for an existing database:\n%s", out)
	}
	other := filepath.Join(dir, "elsewhere")
	if out := run([]string{"BASTIDE_DATA=" + other}, "user", "add", "dan"); !strings.Contains(out, "creating a new database at "+filepath.Join(other, "bastide.db")) {
		t.Fatalf("no notice with BASTIDE_DATA:\n%s", out)
	}
}
