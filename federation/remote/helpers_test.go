package remote

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// canary is a listener on 127.0.0.1 that counts every connection it
// accepts. SSRF tests point at it and assert it saw none.
type canary struct {
	srv   *httptest.Server
	conns atomic.Int64
	port  string
}

func newCanary(t *testing.T) *canary {
	t.Helper()
	c := &canary{}
	c.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		w.Write([]byte(`{"id":"https://canary.invalid/x","type":"Note"}`))
	}))
	c.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			c.conns.Add(1)
		}
	}
	c.srv.StartTLS()
	t.Cleanup(c.srv.Close)
	_, c.port, _ = net.SplitHostPort(c.srv.Listener.Addr().String())
	return c
}

// listen127 starts a TLS test server on another loopback address, which
// tests let through the guard as a stand-in for a public server.
func listenTLS(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	s := httptest.NewUnstartedServer(h)
	s.Listener.Close()
	s.Listener = l
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// guarded is a production client (AllowPrivate false) that trusts test
// certificates and, when pub is valid, lets that one address through.
func guarded(pub netip.Addr, opts Options) *Client {
	opts.AllowPrivate = false
	opts.tlsConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // test servers only
	if pub.IsValid() {
		opts.allowAddr = func(a netip.Addr) bool { return a == pub }
	}
	return New(opts)
}

// open is a development client: AllowPrivate, for servers on 127.0.0.1.
func open(opts Options) *Client {
	opts.AllowPrivate = true
	opts.tlsConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // test servers only
	return New(opts)
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func fixtureDir(t *testing.T) string {
	t.Helper()
	fx := filepath.Join(moduleRoot(t), "federation", "testdata", "interop")
	if _, err := os.Stat(fx); err != nil {
		t.Fatalf("interop fixtures: %v", err)
	}
	return fx
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// asJSON serves body with an ActivityStreams content type, replacing the
// sample host by the test server's.
func serveAS(body []byte, from string, to func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json; charset=utf-8")
		w.Write([]byte(strings.ReplaceAll(string(body), from, to())))
	}
}
