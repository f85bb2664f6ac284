package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

func TestForwardedClient(t *testing.T) {
	trusted, err := parseTrustedProxies("127.0.0.1, 10.0.0.0/8,::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, peer string
		hdr        [][2]string
		want       string // "" means the peer stays
	}{
		{"no header", "127.0.0.1:5000", nil, ""},
		{"one hop", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "203.0.113.7"}}, "203.0.113.7"},
		{"forged left part", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "198.51.100.1, 203.0.113.7"}}, "203.0.113.7"},
		{"chain of proxies", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3"}}, "203.0.113.7"},
		{"two header lines", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "198.51.100.1"}, {"X-Forwarded-For", "203.0.113.7"}}, "203.0.113.7"},
		{"all trusted", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "10.9.9.9, 10.1.1.1"}}, "10.9.9.9"},
		{"garbage hop stops", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "203.0.113.7, nonsense, 10.1.1.1"}}, "10.1.1.1"},
		{"garbage last hop", "127.0.0.1:5000", [][2]string{{"X-Forwarded-For", "203.0.113.7, nonsense"}}, ""},
		{"untrusted peer", "192.0.2.9:5000", [][2]string{{"X-Forwarded-For", "203.0.113.7"}}, ""},
		{"IPv6 peer", "[::1]:5000", [][2]string{{"X-Forwarded-For", "2001:db8::5"}}, "2001:db8::5"},
		{"Forwarded", "127.0.0.1:5000", [][2]string{{"Forwarded", `for=198.51.100.1, for="[2001:db8::7]:4711";proto=https`}}, "2001:db8::7"},
		{"Forwarded with port", "127.0.0.1:5000", [][2]string{{"Forwarded", `for="203.0.113.7:1234"`}}, "203.0.113.7"},
		{"Forwarded unknown", "127.0.0.1:5000", [][2]string{{"Forwarded", `for=unknown`}}, ""},
		{"X-Forwarded-For wins", "127.0.0.1:5000", [][2]string{{"Forwarded", "for=198.51.100.1"}, {"X-Forwarded-For", "203.0.113.7"}}, "203.0.113.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for _, h := range c.hdr {
			r.Header.Add(h[0], h[1])
		}
		a, ok := forwardedClient(r, trusted)
		if got := ""; ok {
			got = a.String()
			if got != c.want {
				t.Errorf("%s: got %s, want %q", c.name, got, c.want)
			}
		} else if c.want != "" {
			t.Errorf("%s: got none, want %s", c.name, c.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.org", "10.0.0.1/8/8"} {
		if _, err := parseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if p, _ := parseTrustedProxies("10.1.2.3/8"); len(p) != 1 || p[0] != netip.MustParsePrefix("10.0.0.0/8") {
		t.Errorf("10.1.2.3/8 read as %v", p)
	}
}

// TestTrustedProxiesThrottle: behind a reverse proxy every connection
// comes from the proxy, 127.0.0.1 here; the wrong-password throttle, and
// the access log, must see the clients the proxy forwards for.
func TestTrustedProxiesThrottle(t *testing.T) {
	for _, c := range []struct {
		name, trusted string
		separate      bool // clients are told apart
	}{
		{"trusted proxy", "127.0.0.1/32", true},
		{"no setting: headers ignored", "", false},
		{"forged header from an untrusted peer", "10.0.0.0/8", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			store := dbtest.New(t)
			for _, name := range []string{"alice", "bob"} {
				h, err := bcrypt.GenerateFromPassword([]byte(name+"-password"), bcrypt.MinCost)
				if err != nil {
					t.Fatal(err)
				}
				if err := store.CreateUser(context.Background(), &model.User{Username: name, DisplayName: name, Email: name + "@example.org", PasswordHash: string(h)}); err != nil {
					t.Fatal(err)
				}
			}
			logs := &lockedBuffer{}
			log, err := newLogger(logs, "json", "info")
			if err != nil {
				t.Fatal(err)
			}
			h, err := buildHandler(store, log, &Config{BaseURL: "http://localhost:8080", TrustedProxies: c.trusted})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h.root)
			defer srv.Close()
			propfind := func(client, user, pass string) int {
				req, _ := http.NewRequest("PROPFIND", srv.URL+"/dav/principals/"+user+"/", nil)
				req.Header.Set("Depth", "0")
				req.Header.Set("X-Forwarded-For", "198.51.100.1, "+client)
				req.SetBasicAuth(user, pass)
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			for i := 0; i < 21; i++ {
				propfind("203.0.113.7", "bob", "guess")
			}
			if code := propfind("203.0.113.7", "alice", "alice-password"); code != http.StatusTooManyRequests {
				t.Errorf("the guessing client: %d, want 429", code)
			}
			code := propfind("203.0.113.99", "alice", "alice-password")
			if c.separate && code != http.StatusMultiStatus {
				t.Errorf("another client behind the proxy: %d, want 207", code)
			}
			if !c.separate && code != http.StatusTooManyRequests {
				t.Errorf("another forged client: %d, want 429 (the peer is locked)", code)
			}
			wantLog := `"remote":"203.0.113.7:0"`
			if !c.separate {
				wantLog = `"remote":"127.0.0.1:`
			}
			if !strings.Contains(logs.String(), wantLog) {
				t.Errorf("access log lacks %s:\n%.500s", wantLog, logs.String())
			}
		})
	}
}

// lockedBuffer is a log written by the server's goroutines and read by the
// test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
