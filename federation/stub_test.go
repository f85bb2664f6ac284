package federation

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// stub is a fake remote server (a Mobilizon instance, say): it serves
// actors and objects and records what is POSTed to it.
type stub struct {
	t    testing.TB
	srv  *httptest.Server
	key  *rsa.PrivateKey
	mu   sync.Mutex
	docs map[string]map[string]any
	// actorTypes makes GET of a path answer a generated actor of that type.
	actorTypes map[string]string
	posts      []stubPost
	status     int
	gets       map[string]int
	handlers   map[string]http.HandlerFunc
}

type stubPost struct {
	path   string
	header http.Header
	body   []byte
	act    map[string]any
}

func newStub(t testing.TB) *stub {
	s := &stub{t: t, key: rsaKey(t), docs: map[string]map[string]any{}, actorTypes: map[string]string{}, status: http.StatusAccepted, gets: map[string]int{}, handlers: map[string]http.HandlerFunc{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stub) URL() string { return s.srv.URL }

// actor registers a generated actor at path, signing with the stub's key
// (PKCS#1 PEM, as Mobilizon publishes it).
func (s *stub) actor(path, typ string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actorTypes[path] = typ
	return s.srv.URL + path
}

func (s *stub) doc(path string, d map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[path] = d
}

func (s *stub) actorDoc(path, typ string) map[string]any {
	id := s.srv.URL + path
	name := path[strings.LastIndex(path, "/")+1:]
	name = strings.TrimPrefix(name, "@")
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                id,
		"type":              typ,
		"preferredUsername": name,
		"name":              "Stub " + name,
		"inbox":             id + "/inbox",
		"outbox":            id + "/outbox",
		"endpoints":         map[string]any{"sharedInbox": s.srv.URL + "/inbox"},
		"publicKey": map[string]any{
			"id": id + "#main-key", "owner": id, "publicKeyPem": pkcs1PublicPEM(s.keyFor()),
		},
	}
}

func (s *stub) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		b, _ := io.ReadAll(r.Body)
		var act map[string]any
		json.Unmarshal(b, &act)
		s.mu.Lock()
		s.posts = append(s.posts, stubPost{path: r.URL.Path, header: r.Header.Clone(), body: b, act: act})
		st := s.status
		s.mu.Unlock()
		w.WriteHeader(st)
		return
	}
	s.mu.Lock()
	s.gets[r.URL.Path]++
	if h, ok := s.handlers[r.URL.Path]; ok {
		s.mu.Unlock()
		h(w, r)
		return
	}
	d, ok := s.docs[r.URL.Path]
	typ, isActor := s.actorTypes[r.URL.Path]
	if !ok && isActor {
		d, ok = s.actorDoc(r.URL.Path, typ), true
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/activity+json")
	json.NewEncoder(w).Encode(d)
}

// received returns the activities POSTed so far.
func (s *stub) received() []stubPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stubPost(nil), s.posts...)
}

// signedPost POSTs body to url signed as keyID with key, the way Mobilizon
// does: (request-target) host date digest, rsa-sha256.
func signedPost(t testing.TB, url, keyID string, key *rsa.PrivateKey, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if err := signRequest(req, key, keyID, body, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (s *stub) keyFor() *rsa.PrivateKey {
	return s.key
}

// getCount returns how many GETs a path received.
func (s *stub) getCount(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[path]
}

func (s *stub) setKey(k *rsa.PrivateKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.key = k
}

// handle serves path with h (GET).
func (s *stub) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[path] = h
}
