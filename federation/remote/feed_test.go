package remote

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const tinyCal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"

func TestGetFeedConditional(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") == "Tue, 01 Dec 2026 10:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT")
		w.Write([]byte(tinyCal))
	}))
	defer srv.Close()
	c := open(Options{})
	f, err := c.GetFeed(ctx(t), srv.URL, "", "")
	if err != nil || f.NotModified || string(f.Body) != tinyCal || f.ETag != `"v1"` || f.LastModified == "" {
		t.Fatalf("first fetch: %+v, %v", f, err)
	}
	f, err = c.GetFeed(ctx(t), srv.URL, f.ETag, f.LastModified)
	if err != nil || !f.NotModified || len(f.Body) != 0 {
		t.Fatalf("conditional fetch: %+v, %v", f, err)
	}
	if hits.Load() != 2 {
		t.Fatalf("%d requests, want 2", hits.Load())
	}
}

func TestGetFeedRefusals(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := w.(http.Flusher)
		switch r.URL.Path {
		case "/login":
			// Google's answer for a private calendar's public address.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<!doctype html><html><body>Sign in</body></html>"))
		case "/html-as-text":
			w.Header().Set("Content-Type", "text/calendar")
			w.Write([]byte("\xef\xbb\xbf\r\n  <html><body>Sign in</body></html>"))
		case "/endless":
			w.Header().Set("Content-Type", "text/calendar")
			w.Write([]byte("BEGIN:VCALENDAR\r\n"))
			for {
				select {
				case <-stop:
					return
				case <-r.Context().Done():
					return
				default:
				}
				if _, err := w.Write([]byte(strings.Repeat("X-FILLER:abcdefgh\r\n", 100))); err != nil {
					return
				}
				f.Flush()
			}
		case "/stall":
			w.Header().Set("Content-Type", "text/calendar")
			w.Write([]byte("BEGIN:VCALENDAR\r\n"))
			f.Flush()
			select {
			case <-stop:
			case <-r.Context().Done():
			}
		case "/missing":
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := open(Options{MaxBody: 64 << 10, Timeout: 5 * time.Second, ReadIdle: 200 * time.Millisecond})
	for path, want := range map[string]error{
		"/login": ErrNotCalendar, "/html-as-text": ErrNotCalendar, "/endless": ErrTooLarge,
		"/stall": ErrTimeout, "/missing": ErrNotFound,
	} {
		start := time.Now()
		_, err := c.GetFeed(ctx(t), srv.URL+path, "", "")
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: took %v", path, d)
		}
	}
}

// A feed on a public server that redirects to private addresses: the dial
// is refused before any connection, whatever the address.
func TestGetFeedRedirectToPrivate(t *testing.T) {
	can := newCanary(t)
	pub := listenTLS(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ten":
			http.Redirect(w, r, "https://10.0.0.1/cal.ics", http.StatusFound)
		case "/lan":
			http.Redirect(w, r, "https://192.168.1.1/cal.ics", http.StatusMovedPermanently)
		case "/loopback":
			http.Redirect(w, r, "https://127.0.0.1:"+can.port+"/cal.ics", http.StatusTemporaryRedirect)
		case "/webcal":
			http.Redirect(w, r, "webcal://127.0.0.2/cal.ics", http.StatusFound)
		}
	}))
	c := guarded(netip.MustParseAddr("127.0.0.2"), Options{Timeout: 2 * time.Second})
	for _, p := range []string{"/ten", "/lan", "/loopback"} {
		if _, err := c.GetFeed(ctx(t), pub.URL+p, "", ""); !errors.Is(err, ErrForbiddenAddr) {
			t.Errorf("%s: %v, want ErrForbiddenAddr", p, err)
		}
	}
	if _, err := c.GetFeed(ctx(t), pub.URL+"/webcal", "", ""); !errors.Is(err, ErrScheme) {
		t.Errorf("redirect to webcal: %v", err)
	}
	if n := can.conns.Load(); n != 0 {
		t.Errorf("the canary saw %d connections", n)
	}
}

// A body cut by the total deadline is ErrTimeout and still carries its
// cause, which federation's pull retries on.
func TestBodyTimeoutKeepsItsCause(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		w.Write([]byte("BEGIN:VCALENDAR\r\n"))
		w.(http.Flusher).Flush()
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	_, err := open(Options{Timeout: 300 * time.Millisecond}).GetFeed(ctx(t), srv.URL, "", "")
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v", err)
	}
}

// An ICS feed may be plain http (a club's website): the feed client
// allows it, the address guard still applies; other clients refuse http.
func TestGetFeedPlainHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		w.Write([]byte(tinyCal))
	}))
	defer srv.Close()
	pub := netip.MustParseAddr("127.0.0.1")
	if _, err := guarded(pub, Options{}).GetFeed(ctx(t), srv.URL, "", ""); !errors.Is(err, ErrScheme) {
		t.Fatalf("http without AllowHTTP: %v, want ErrScheme", err)
	}
	f, err := guarded(pub, Options{AllowHTTP: true}).GetFeed(ctx(t), srv.URL, "", "")
	if err != nil || string(f.Body) != tinyCal {
		t.Fatalf("http feed with AllowHTTP: %v", err)
	}
	if _, err := guarded(netip.Addr{}, Options{AllowHTTP: true}).GetFeed(ctx(t), srv.URL, "", ""); !errors.Is(err, ErrForbiddenAddr) {
		t.Fatalf("http feed on a private address: %v, want ErrForbiddenAddr", err)
	}
}
