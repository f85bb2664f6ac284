package federation

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// instance is one Bastide federation side served on 127.0.0.1, with its own
// store, restartable on the same address.
type instance struct {
	t     testing.TB
	path  string
	addr  string
	cfg   Config
	store *db.Store
	fed   *Federation
	srv   *http.Server
	stop  context.CancelFunc
	done  chan struct{}
	// posts and gets count the requests the instance was sent, across
	// restarts.
	posts, gets atomic.Int64
}

// newInstance starts an instance with a fresh database in dir.
func newInstance(t testing.TB, mod func(*Config)) *instance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{t: t, path: filepath.Join(t.TempDir(), "bastide.db"), addr: ln.Addr().String()}
	in.cfg = Config{
		BaseURL:               "http://" + in.addr,
		AllowPrivateAddresses: true,
		PollInterval:          50 * time.Millisecond,
		RetryBase:             200 * time.Millisecond,
		FetchTimeout:          5 * time.Second,
	}
	if mod != nil {
		mod(&in.cfg)
	}
	in.start(ln)
	t.Cleanup(in.shutdown)
	return in
}

func (in *instance) start(ln net.Listener) {
	in.t.Helper()
	st, err := db.Open(context.Background(), in.path)
	if err != nil {
		in.t.Fatal(err)
	}
	in.store = st
	f, err := New(st, nil, in.cfg)
	if err != nil {
		in.t.Fatal(err)
	}
	in.fed = f
	h := f.Handler()
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			in.posts.Add(1)
		} else {
			in.gets.Add(1)
		}
		h.ServeHTTP(w, r)
	})
	in.srv = &http.Server{Handler: counted, ReadHeaderTimeout: 5 * time.Second}
	go in.srv.Serve(ln)
	ctx, cancel := context.WithCancel(context.Background())
	in.stop = cancel
	in.done = make(chan struct{})
	go func() {
		defer close(in.done)
		f.Run(ctx)
	}()
}

// shutdown stops the server and the workers and closes the store, after
// checking everything the instance sent with Mobilizon's ingest rules.
func (in *instance) shutdown() {
	if in.srv == nil {
		return
	}
	in.stop()
	<-in.done
	in.srv.Close()
	validateSent(in.t, in.store)
	in.store.Close()
	in.srv = nil
}

// validateSent applies Mobilizon's ingest rules (mobilizon.Validate,
// reference §5 and §12) to every activity Bastide queued in store, so that
// every test that makes Bastide send something also checks its shape.
// Activities a test queued by hand (ids under /test/) are left out.
func validateSent(t testing.TB, store *db.Store) {
	t.Helper()
	rows, err := store.Reader().Query(`SELECT ap_id, body FROM activities ORDER BY id`)
	if err != nil {
		t.Errorf("read sent activities: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			t.Errorf("read sent activities: %v", err)
			return
		}
		if strings.Contains(id, "/test/") {
			continue
		}
		act, err := mobilizon.Decode([]byte(body))
		if err != nil {
			t.Errorf("sent activity %s is not JSON: %v", id, err)
			continue
		}
		if probs := mobilizon.Validate(act); len(probs) > 0 {
			t.Errorf("sent %v %s: Mobilizon would not take it as meant: %v", act["type"], id, probs)
		}
	}
}

// restart shuts the instance down and starts it again on the same address
// and database.
func (in *instance) restart() {
	in.t.Helper()
	in.shutdown()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", in.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		in.t.Fatal(err)
	}
	in.start(ln)
}

// eventually retries cond until it holds or the timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}

// fixtureDir is the folder of recorded Mobilizon, Mastodon and Gancio
// payloads kept in testdata (AGPL, like Bastide; see its README).
func fixtureDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("testdata", "interop")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("interop fixtures: %v", err)
	}
	return dir
}

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
)

// rsaKey returns one RSA key shared by the tests (generation is slow).
func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	testKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

func pkcs1PublicPEM(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)}))
}

func spkiPublicPEM(t testing.TB, k *rsa.PrivateKey) string {
	b, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: b}))
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
