package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bastide47/bastide/cmd/internal/benchkit"
)

// buildBastide compiles ./cmd/bastide of this module into dir: the server
// measured is the very program `bastide serve` runs.
func buildBastide(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w (run from inside the bastide module, or give -bastide)", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the bastide module: run from the repository, or give -bastide")
	}
	bin := filepath.Join(dir, "bastide")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/bastide")
	cmd.Dir = filepath.Dir(mod)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/bastide: %w\n%s", err, b)
	}
	return bin, nil
}

// cpuProfileEnv makes `bastide serve` write a CPU profile of its run to
// the file it names (the serve flag --cpuprofile).
const cpuProfileEnv = "BASTIDE_CPUPROFILE"

// benchBaseURL is the public address the data set's instance is given.
const benchBaseURL = "http://localhost:8047"

// server is one run of `bastide serve` over the data set.
type server struct {
	cmd    *exec.Cmd
	origin string
	exited chan struct{}
	log    *os.File
}

// startServer runs `bastide serve` on a free port of 127.0.0.1 over the
// data directory and waits until /healthz answers. Its log goes to
// logPath (appended).
func startServer(bin, dataDir, logPath string, env ...string) (*server, time.Duration, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, 0, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, 0, err
	}
	// The base URL is the same at every start: an instance keeps the one
	// of its first start.
	cmd := exec.Command(bin, "serve", "--data", dataDir, "--addr", addr, "--base-url", benchBaseURL, "--log-format", "json")
	// The server runs as configured by its defaults, whatever this
	// shell's BASTIDE_* variables say.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BASTIDE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	benchkit.DieWithParent(cmd)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, 0, err
	}
	s := &server{cmd: cmd, origin: "http://" + addr, exited: make(chan struct{}), log: logf}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.exited:
			logf.Close()
			return nil, 0, fmt.Errorf("bastide serve stopped at start: %s (log: %s)", cmd.ProcessState, logPath)
		default:
		}
		resp, err := hc.Get(s.origin + "/healthz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, time.Since(t0), nil
			}
		}
		if time.Since(t0) > 2*time.Minute {
			s.stop()
			return nil, 0, fmt.Errorf("bastide serve did not answer /healthz within 2 minutes (log: %s)", logPath)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the server as a service manager does (SIGTERM), then kills it
// if it lingers.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.log.Close()
}

// peakRSS is the server's peak resident set (VmHWM), in bytes.
func (s *server) peakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM")
}

// client makes the measured requests: GET only, no cookies, no
// compression, redirects not followed.
type client struct {
	origin  string
	hc      *http.Client
	scratch []byte
	// parallel is set when several clients run at once: the collector
	// setting is the process's, and one client would restore another's.
	parallel bool
}

// requestTimeout bounds every request: a hung server must not hang the run.
var requestTimeout = 2 * time.Minute

func newClient(origin string) *client {
	tr := &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true}
	return &client{origin: origin, hc: &http.Client{Transport: tr, Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// reply is an answer read to its end.
type reply struct {
	status  int
	ctype   string
	body    []byte
	elapsed time.Duration
}

// get times one GET, from sending the request to the last byte of the
// answer. The client's collector is off meanwhile and the answer is read
// into a buffer kept between requests (as caldav-bench does), so that the
// client's own work is not counted; the body is copied out afterwards.
func (c *client) get(ctx context.Context, path string) (*reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.origin+path, nil)
	if err != nil {
		return nil, err
	}
	if !c.parallel {
		old := debug.SetGCPercent(-1)
		defer debug.SetGCPercent(old)
	}
	t0 := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	n, err := benchkit.ReadInto(&c.scratch, resp.Body, resp.ContentLength)
	resp.Body.Close()
	el := time.Since(t0)
	if err != nil {
		return nil, err
	}
	return &reply{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"),
		body: bytes.Clone(c.scratch[:n]), elapsed: el}, nil
}
