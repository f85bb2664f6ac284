package mobilizon

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

type testURIs struct{ base string }

func (u testURIs) ActorID(slug string) string     { return u.base + "/@" + slug }
func (u testURIs) EventID(uuid string) string     { return u.base + "/events/" + uuid }
func (u testURIs) EventURL(uuid string) string    { return u.base + "/events/" + uuid }
func (u testURIs) RelayID() string                { return u.base + "/relay" }
func (u testURIs) FollowersID(slug string) string { return u.base + "/@" + slug + "/followers" }

var hub = testURIs{base: "https://bastide.example"}

// fixtureDir is the folder of recorded Mobilizon, Mastodon and Gancio
// payloads kept in the federation package's testdata (see its README).
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "testdata", "interop")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("interop fixtures: %v", err)
	}
	return dir
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func fixture(t *testing.T, name string) map[string]any {
	t.Helper()
	return readJSON(t, filepath.Join(fixtureDir(t), name))
}

func own(t *testing.T, name string) map[string]any {
	t.Helper()
	return readJSON(t, filepath.Join("testdata", name))
}

// roundTrip serialises v as it goes on the wire and decodes it the way a
// receiver would, keeping number text (json.Number).
func roundTrip(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s", name, got)
	}
}

func clone(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	return roundTrip(t, m)
}
