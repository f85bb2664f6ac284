package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bastide47/bastide/cmd/internal/benchkit"
)

// server is one CalDAV server under measurement.
type server struct {
	name    string
	origin  string
	calPath string // absolute path of the calendar collection, with a trailing slash
	user    string
	pass    string
	// variant: Bastide with a fast path off, compared with Bastide only.
	variant bool
	cmd     *exec.Cmd
	log     *syncBuffer
	exited  chan struct{}
	// peakRSS reads the peak resident memory of the server process, in bytes.
	peakRSS func() (int64, error)
	stop    func()
}

// running holds the kill functions of the server processes alive, for an
// interrupted run.
var running struct {
	sync.Mutex
	kills map[*exec.Cmd]func()
}

func track(cmd *exec.Cmd, exited chan struct{}) {
	running.Lock()
	defer running.Unlock()
	if running.kills == nil {
		running.kills = map[*exec.Cmd]func(){}
	}
	running.kills[cmd] = func() { _ = cmd.Process.Kill(); <-exited }
	go func() {
		<-exited
		running.Lock()
		delete(running.kills, cmd)
		running.Unlock()
	}()
}

// killAll kills every server process still running.
func killAll() {
	running.Lock()
	kills := make([]func(), 0, len(running.kills))
	for _, k := range running.kills {
		kills = append(kills, k)
	}
	running.Unlock()
	for _, k := range kills {
		k()
	}
}

// missingTool is the error for a tool the benchmark needs and cannot find.
func missingTool(bin, pkg string) error {
	return fmt.Errorf("%s not found: install the Debian package %s (apt-get install %s) or run .ci/deps", bin, pkg, pkg)
}

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitHTTP waits until the server answers any HTTP request on origin.
func waitHTTP(origin string, exited chan struct{}, log *syncBuffer, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("server exited: %s", log)
		default:
		}
		resp, err := http.Get(origin + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("server at %s did not answer within %s: %s", origin, limit, log)
}

// startProcess runs a server command with its output captured.
func startProcess(bin string, args ...string) (*exec.Cmd, *syncBuffer, chan struct{}, error) {
	cmd := exec.Command(bin, args...)
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	benchkit.DieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, nil, nil, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	track(cmd, exited)
	return cmd, log, exited, nil
}

func procStop(cmd *exec.Cmd, exited chan struct{}) func() {
	return func() {
		_ = cmd.Process.Kill()
		<-exited
	}
}

// vmHWM reads the peak resident set size of a process from /proc.
func vmHWM(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

func writeObjects(dir string, objs []*object) error {
	for _, o := range objs {
		if err := os.WriteFile(filepath.Join(dir, o.href), []byte(o.data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// startRadicale loads the workload by writing Radicale's multifilesystem
// storage directly (collection folder with .Radicale.props and one .ics per
// item), then starts Debian's radicale on a free port, with auth type none
// and the default owner_only rights: the user "bench" owns /bench/.
func startRadicale(dir string, objs []*object) (*server, error) {
	bin, err := exec.LookPath("radicale")
	if err != nil {
		return nil, missingTool("radicale", "radicale")
	}
	col := filepath.Join(dir, "storage", "collection-root", "bench", "calendar")
	if err := os.MkdirAll(col, 0o755); err != nil {
		return nil, err
	}
	props := `{"tag": "VCALENDAR", "D:displayname": "Agenda", "C:supported-calendar-component-set": "VEVENT,VTODO"}`
	if err := os.WriteFile(filepath.Join(col, ".Radicale.props"), []byte(props), 0o644); err != nil {
		return nil, err
	}
	if err := writeObjects(col, objs); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := fmt.Sprintf("[server]\nhosts = 127.0.0.1:%d\nmax_content_length = 100000000\ntimeout = 600\n"+
		"[auth]\ntype = none\n[storage]\nfilesystem_folder = %s\n[logging]\nlevel = warning\n",
		port, filepath.Join(dir, "storage"))
	confPath := filepath.Join(dir, "radicale.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd, log, exited, err := startProcess(bin, "--config", confPath)
	if err != nil {
		return nil, err
	}
	s := &server{name: "Radicale", origin: fmt.Sprintf("http://127.0.0.1:%d", port), calPath: "/bench/calendar/",
		user: "bench", pass: "bench", cmd: cmd, log: log, exited: exited, stop: procStop(cmd, exited)}
	s.peakRSS = func() (int64, error) { return vmHWM(cmd.Process.Pid) }
	if err := waitHTTP(s.origin, exited, log, 30*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// startXandikos loads the workload by committing the files into the git
// repository that backs the calendar (Xandikos' tree store, as it creates
// it), then starts Debian's xandikos on a free port (it has no auth).
func startXandikos(dir string, objs []*object) (*server, error) {
	bin, err := exec.LookPath("xandikos")
	if err != nil {
		return nil, missingTool("xandikos", "xandikos")
	}
	gitBin, err := exec.LookPath("git")
	if err != nil {
		return nil, missingTool("git", "git")
	}
	root := filepath.Join(dir, "root")
	col := filepath.Join(root, "user", "calendars", "calendar")
	if err := os.MkdirAll(col, 0o755); err != nil {
		return nil, err
	}
	meta := "[DEFAULT]\ntype = calendar\ndisplayname = Agenda\n"
	if err := os.WriteFile(filepath.Join(col, ".xandikos"), []byte(meta), 0o644); err != nil {
		return nil, err
	}
	if err := writeObjects(col, objs); err != nil {
		return nil, err
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"},
		{"-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "bench workload"}} {
		c := exec.Command(gitBin, args...)
		c.Dir = col
		if out, err := c.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("git %s: %v: %s", args[0], err, out)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd, log, exited, err := startProcess(bin, "-d", root, "--autocreate", "-l", "127.0.0.1", "-p", fmt.Sprint(port))
	if err != nil {
		return nil, err
	}
	s := &server{name: "Xandikos", origin: fmt.Sprintf("http://127.0.0.1:%d", port), calPath: "/user/calendars/calendar/",
		user: "bench", pass: "bench", cmd: cmd, log: log, exited: exited, stop: procStop(cmd, exited)}
	s.peakRSS = func() (int64, error) { return vmHWM(cmd.Process.Pid) }
	if err := waitHTTP(s.origin, exited, log, 30*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}
