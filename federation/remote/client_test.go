package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The dial-time guard refuses every forbidden address, whether written in
// the URL or returned by the resolver, and no connection reaches the
// canary on 127.0.0.1.
func TestSSRFRefusedAtDial(t *testing.T) {
	can := newCanary(t)
	lookups := map[string][]string{
		"canary.test":   {"127.0.0.1"}, // a name that resolves to loopback
		"rebind.test":   {"10.1.2.3", "127.0.0.1"},
		"2130706433":    {"127.0.0.1"}, // what libc makes of decimal IPv4
		"0177.0.0.1":    {"127.0.0.1"}, // and of octal
		"mapped.test":   {"::ffff:127.0.0.1"},
		"metadata.test": {"169.254.169.254"},
	}
	c := guarded(netip.Addr{}, Options{
		Timeout: 2 * time.Second,
		LookupHost: func(_ context.Context, host string) ([]string, error) {
			if a, ok := lookups[host]; ok {
				return a, nil
			}
			return nil, fmt.Errorf("test resolver: no %s", host)
		},
	})
	hosts := []string{
		"127.0.0.1", "[::1]", "10.0.0.1", "10.255.255.254", "172.16.0.1", "172.31.255.1", "192.168.1.1",
		"169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "[::]", "[fc00::1]", "[fd00::1]",
		"[fe80::1]", "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "[64:ff9b::7f00:1]", "[64:ff9b::a00:1]",
		"[2002:7f00:1::1]", "[2001::1]", "224.0.0.1", "[ff02::1]", "255.255.255.255", "[::127.0.0.1]",
		"canary.test", "rebind.test", "2130706433", "0177.0.0.1", "mapped.test", "metadata.test",
	}
	for _, h := range hosts {
		url := "https://" + h + ":" + can.port + "/actor"
		_, _, err := c.GetJSON(ctx(t), url)
		if !errors.Is(err, ErrForbiddenAddr) {
			t.Errorf("%s: err = %v, want ErrForbiddenAddr", url, err)
		}
		if _, err := c.Post(ctx(t), url, []byte(`{}`), nil); !errors.Is(err, ErrForbiddenAddr) {
			t.Errorf("POST %s: err = %v, want ErrForbiddenAddr", url, err)
		}
	}
	for _, u := range []string{
		"http://example.org/", "file:///etc/passwd", "gopher://127.0.0.1/", "ftp://example.org/x",
		"https://user:pw@example.org/", "//example.org/x", "javascript:alert(1)",
	} {
		if _, _, err := c.GetJSON(ctx(t), u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	if n := can.conns.Load(); n != 0 {
		t.Errorf("the canary saw %d connections", n)
	}
}

func TestAllowedAddr(t *testing.T) {
	for s, want := range map[string]bool{
		"1.1.1.1": true, "93.184.216.34": true, "2606:4700:4700::1111": true, "2a01:4f8::1": true,
		"127.0.0.1": false, "127.1.2.3": false, "::1": false, "10.1.1.1": false, "172.20.0.1": false,
		"172.32.0.1": true, "192.168.0.1": false, "169.254.1.1": false, "100.64.0.1": false, "100.128.0.1": true,
		"0.0.0.0": false, "::": false, "fc00::1": false, "fdff::1": false, "fe80::1": false, "fe80::1%eth0": false,
		"::ffff:127.0.0.1": false, "::ffff:8.8.8.8": false, "64:ff9b::7f00:1": false, "64:ff9b::808:808": false,
		"2002:7f00:1::": false, "2001::": false, "2001:db8::1": false, "ff02::1": false, "224.0.0.251": false,
		"240.0.0.1": false, "192.0.2.1": false, "198.18.0.1": false, "3fff::1": true, "4000::1": false,
	} {
		a, err := netip.ParseAddr(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AllowedAddr(a); got != want {
			t.Errorf("AllowedAddr(%s) = %v, want %v", s, got, want)
		}
	}
}

// A public server redirecting to a private address: the redirect is
// followed only as far as the guard, the canary sees nothing.
func TestSSRFThroughRedirect(t *testing.T) {
	can := newCanary(t)
	pub := listenTLS(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-canary":
			http.Redirect(w, r, "https://127.0.0.1:"+can.port+"/x", http.StatusFound)
		case "/to-ftp":
			http.Redirect(w, r, "ftp://127.0.0.2/x", http.StatusFound)
		case "/to-http":
			http.Redirect(w, r, "http://127.0.0.2/x", http.StatusFound)
		}
	}))
	c := guarded(netip.MustParseAddr("127.0.0.2"), Options{Timeout: 2 * time.Second})
	if _, _, err := c.GetJSON(ctx(t), pub.URL+"/to-canary"); !errors.Is(err, ErrForbiddenAddr) {
		t.Errorf("redirect to canary: %v", err)
	}
	for _, p := range []string{"/to-ftp", "/to-http"} {
		if _, _, err := c.GetJSON(ctx(t), pub.URL+p); !errors.Is(err, ErrScheme) {
			t.Errorf("redirect %s: %v", p, err)
		}
	}
	if n := can.conns.Load(); n != 0 {
		t.Errorf("the canary saw %d connections", n)
	}
}

func TestRedirectLimitAndLoop(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch {
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			var n int
			fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n+1), http.StatusFound)
		case r.URL.Path == "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case r.URL.Path == "/b":
			http.Redirect(w, r, "/a", http.StatusFound)
		case r.URL.Path == "/two":
			http.Redirect(w, r, "/final", http.StatusMovedPermanently)
		case r.URL.Path == "/final":
			w.Header().Set("Content-Type", "application/activity+json")
			fmt.Fprintf(w, `{"id":"http://%s/final","type":"Note"}`, r.Host)
		}
	}))
	defer srv.Close()
	c := open(Options{})
	_, _, err := c.GetJSON(ctx(t), srv.URL+"/hop/0")
	if !errors.Is(err, ErrTooManyRedirects) || hits.Load() != 4 {
		t.Errorf("endless redirects: err %v after %d requests (want 1 + 3 redirects)", err, hits.Load())
	}
	hits.Store(0)
	if _, _, err := c.GetJSON(ctx(t), srv.URL+"/a"); !errors.Is(err, ErrTooManyRedirects) || hits.Load() != 2 {
		t.Errorf("loop: err %v after %d requests", err, hits.Load())
	}
	obj, _, err := c.GetJSON(ctx(t), srv.URL+"/two")
	if err != nil || obj["id"] != srv.URL+"/final" {
		t.Errorf("one redirect on the same origin: %v %v", err, obj)
	}
	none := open(Options{MaxRedirects: -1})
	if _, _, err := none.GetJSON(ctx(t), srv.URL+"/two"); err == nil {
		t.Error("MaxRedirects -1 followed a redirect")
	}
}

// The object's id must be on the origin it was finally served from.
func TestOriginChecks(t *testing.T) {
	var b *httptest.Server
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		switch r.URL.Path {
		case "/events/1": // F-12: claims to be another server's object
			w.Write([]byte(`{"id":"https://victim.example/events/9","type":"Event"}`))
		case "/to-b": // F-14: cross-origin redirect
			http.Redirect(w, r, b.URL+"/claims-a", http.StatusFound)
		case "/to-b-own":
			http.Redirect(w, r, b.URL+"/own", http.StatusFound)
		case "/no-id":
			w.Write([]byte(`{"type":"OrderedCollectionPage","orderedItems":[]}`))
		case "/null-id":
			w.Write([]byte(`{"id":null,"type":"Event"}`))
		case "/alias":
			fmt.Fprintf(w, `{"id":"http://%s/canonical","type":"Event"}`, r.Host)
		case "/canonical":
			fmt.Fprintf(w, `{"id":"http://%s/canonical","type":"Event"}`, r.Host)
		case "/flip":
			fmt.Fprintf(w, `{"id":"http://%s/flop","type":"Event"}`, r.Host)
		case "/flop":
			fmt.Fprintf(w, `{"id":"http://%s/flip","type":"Event"}`, r.Host)
		}
	}))
	defer a.Close()
	b = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		switch r.URL.Path {
		case "/claims-a":
			fmt.Fprintf(w, `{"id":"%s/events/1","type":"Event"}`, a.URL)
		case "/own":
			fmt.Fprintf(w, `{"id":"%s/own","type":"Event"}`, b.URL)
		}
	}))
	defer b.Close()
	c := open(Options{})
	for _, p := range []string{"/events/1", "/to-b", "/null-id"} {
		if _, _, err := c.GetJSON(ctx(t), a.URL+p); !errors.Is(err, ErrOrigin) {
			t.Errorf("%s: %v, want ErrOrigin", p, err)
		}
	}
	if obj, _, err := c.GetJSON(ctx(t), a.URL+"/to-b-own"); err != nil || obj["id"] != b.URL+"/own" {
		t.Errorf("redirect to an object on its own origin: %v", err)
	}
	if _, _, err := c.GetJSON(ctx(t), a.URL+"/no-id"); err != nil {
		t.Errorf("a page without id: %v", err)
	}
	if obj, _, err := c.GetObject(ctx(t), a.URL+"/alias"); err != nil || obj["id"] != a.URL+"/canonical" {
		t.Errorf("GetObject follows the canonical id once: %v %v", err, obj)
	}
	if _, _, err := c.GetObject(ctx(t), a.URL+"/flip"); !errors.Is(err, ErrOrigin) {
		t.Errorf("GetObject flip-flop: %v", err)
	}
}

func TestSizeLimits(t *testing.T) {
	big := strings.Repeat("x", 5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		switch r.URL.Path {
		case "/length":
			w.Header().Set("Content-Length", fmt.Sprint(len(big)+20))
			fmt.Fprintf(w, `{"id":"%s","x":1}`, big)
		case "/chunked":
			f := w.(http.Flusher)
			w.Write([]byte(`{"type":"Note","content":"`))
			for i := 0; i < 100; i++ {
				w.Write([]byte(strings.Repeat("y", 100)))
				f.Flush()
			}
			w.Write([]byte(`"}`))
		case "/exact":
			w.Write([]byte(`{"type":"Note","c":"` + strings.Repeat("z", 4096-22) + `"}`))
		}
	}))
	defer srv.Close()
	c := open(Options{MaxBody: 4096})
	if _, _, err := c.GetJSON(ctx(t), srv.URL+"/length"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Content-Length over the cap: %v", err)
	}
	if _, _, err := c.GetJSON(ctx(t), srv.URL+"/chunked"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("chunked over the cap: %v", err)
	}
	if _, body, err := c.GetJSON(ctx(t), srv.URL+"/exact"); err != nil || len(body) != 4096 {
		t.Errorf("exactly the cap: %v (%d bytes)", err, len(body))
	}
}

func TestSlowServerTimeout(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		f := w.(http.Flusher)
		for i := 0; i < 100; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			w.Write([]byte(" "))
			f.Flush()
		}
	}))
	defer srv.Close()
	defer close(stop)
	c := open(Options{Timeout: 400 * time.Millisecond})
	start := time.Now()
	_, _, err := c.GetJSON(ctx(t), srv.URL)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("slow body: err %v after %v", err, time.Since(start))
	}
	start = time.Now()
	_, err = c.Post(ctx(t), srv.URL, []byte(`{}`), nil)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("slow POST answer: err %v after %v", err, time.Since(start))
	}
}

func TestContentTypesAndJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", r.URL.Query().Get("ct"))
		switch r.URL.Path {
		case "/deep":
			w.Write([]byte(strings.Repeat("[", 40) + strings.Repeat("]", 40)))
		case "/deep-obj":
			w.Write([]byte(`{"type":"Create","object":` + strings.Repeat(`{"object":`, 40) + `1` + strings.Repeat("}", 41)))
		case "/array":
			w.Write([]byte(`[1,2]`))
		case "/trailing":
			w.Write([]byte(`{"type":"Note"} {"type":"Note"}`))
		case "/strings":
			w.Write([]byte(`{"type":"Note","content":"` + strings.Repeat(`[{\"`, 50) + `"}`))
		default:
			fmt.Fprintf(w, `{"id":"http://%s/x","type":"Note"}`, r.Host)
		}
	}))
	defer srv.Close()
	c := open(Options{})
	as := "application/activity%2Bjson"
	for ct, ok := range map[string]bool{
		"application/activity+json": true, "application/activity+json; charset=utf-8": true,
		`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`: true,
		"application/json": false, "text/html": false, "text/plain": false, "image/png": false, "": false,
	} {
		_, _, err := c.GetJSON(ctx(t), srv.URL+"/x?ct="+strings.NewReplacer("+", "%2B", " ", "%20", `"`, "%22", ";", "%3B").Replace(ct))
		if ok && err != nil {
			t.Errorf("%q refused: %v", ct, err)
		}
		if !ok && !errors.Is(err, ErrContentType) {
			t.Errorf("%q: %v, want ErrContentType", ct, err)
		}
	}
	for _, p := range []string{"/deep", "/deep-obj"} {
		if _, _, err := c.GetJSON(ctx(t), srv.URL+p+"?ct="+as); !errors.Is(err, ErrTooDeep) {
			t.Errorf("%s: %v, want ErrTooDeep", p, err)
		}
	}
	for _, p := range []string{"/array", "/trailing"} {
		if _, _, err := c.GetJSON(ctx(t), srv.URL+p+"?ct="+as); err == nil {
			t.Errorf("%s accepted", p)
		}
	}
	if _, _, err := c.GetJSON(ctx(t), srv.URL+"/strings?ct="+as); err != nil {
		t.Errorf("brackets inside strings are not nesting: %v", err)
	}
}

func TestStatusErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := map[string]int{"/gone": 410, "/missing": 404, "/boom": 500}[r.URL.Path]
		w.Header().Set("Content-Type", "application/activity+json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"type":"Tombstone","id":"http://%s%s"}`, r.Host, r.URL.Path)
	}))
	defer srv.Close()
	c := open(Options{})
	if _, _, err := c.GetJSON(ctx(t), srv.URL+"/gone"); !errors.Is(err, ErrGone) {
		t.Errorf("410: %v", err)
	}
	if _, _, err := c.GetJSON(ctx(t), srv.URL+"/missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("404: %v", err)
	}
	var se *StatusError
	if _, _, err := c.GetJSON(ctx(t), srv.URL+"/boom"); !errors.As(err, &se) || se.Code != 500 || !strings.Contains(se.Body, "Tombstone") {
		t.Errorf("500: %v", err)
	}
}

func TestPostAndSigner(t *testing.T) {
	var got struct {
		ct, sig, body string
		method        string
	}
	var gets atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/inbox":
			b, _ := io.ReadAll(r.Body)
			got.ct, got.sig, got.body, got.method = r.Header.Get("Content-Type"), r.Header.Get("Signature"), string(b), r.Method
			w.WriteHeader(http.StatusAccepted)
		case "/moved":
			http.Redirect(w, r, "/inbox", http.StatusTemporaryRedirect)
		case "/fail":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/signed-redirect":
			if r.Header.Get("Signature") != "sig GET /signed-redirect" {
				w.WriteHeader(401)
				return
			}
			http.Redirect(w, r, "/signed", http.StatusFound)
		case "/signed":
			gets.Add(1)
			if r.Header.Get("Signature") != "sig GET /signed" {
				w.WriteHeader(401)
				return
			}
			w.Header().Set("Content-Type", "application/activity+json")
			fmt.Fprintf(w, `{"id":"http://%s/signed"}`, r.Host)
		}
	}))
	defer srv.Close()
	sign := func(r *http.Request) error {
		if r.GetBody != nil {
			b, _ := r.GetBody()
			data, _ := io.ReadAll(b)
			r.Header.Set("Digest", fmt.Sprint(len(data)))
		}
		r.Header.Set("Signature", "sig "+r.Method+" "+r.URL.Path)
		return nil
	}
	c := open(Options{Signer: sign})
	status, err := c.Post(ctx(t), srv.URL+"/inbox", []byte(`{"type":"Create"}`), sign)
	if err != nil || status != 202 || got.ct != "application/activity+json" || got.sig != "sig POST /inbox" || got.body != `{"type":"Create"}` {
		t.Errorf("post: %d %v %+v", status, err, got)
	}
	got.method = ""
	status, err = c.Post(ctx(t), srv.URL+"/moved", []byte(`{}`), sign)
	var se *StatusError
	if status != 307 || !errors.As(err, &se) || got.method != "" {
		t.Errorf("POST must not follow redirects: %d %v (inbox saw %q)", status, err, got.method)
	}
	if status, err := c.Post(ctx(t), srv.URL+"/fail", nil, nil); status != 503 || !errors.As(err, &se) {
		t.Errorf("503: %d %v", status, err)
	}
	if status, err := c.Post(ctx(t), srv.URL+"/inbox", nil, func(*http.Request) error { return errors.New("no key") }); status != 0 || err == nil {
		t.Errorf("signer failure: %d %v", status, err)
	}
	if _, _, err := c.GetJSON(ctx(t), srv.URL+"/signed-redirect"); err != nil || gets.Load() != 1 {
		t.Errorf("signed GET re-signed after redirect: %v", err)
	}
}
