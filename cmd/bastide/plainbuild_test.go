package main

import (
	"net/url"
	"os/exec"
	"strings"
	"testing"
)

// A plain `go build`, with no build tag, gives a binary that works: TestMain
// builds the binary that every test here runs exactly that way. This test
// checks that the binary carries no tag, and that it creates a database,
// takes a user and answers a full-text search on the public agenda.
func TestPlainBuild(t *testing.T) {
	info, err := exec.Command("go", "version", "-m", binary).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	if !strings.Contains(string(info), "CGO_ENABLED=1") {
		t.Fatalf("the binary was not built with cgo:\n%s", info)
	}
	for _, line := range strings.Split(string(info), "\n") {
		if strings.Contains(line, "-tags=") {
			t.Fatalf("the binary was built with a tag: %s", line)
		}
	}

	data := t.TempDir()
	cli(t, data, "", "version").must(t, 0, "bastide ")
	cli(t, data, "correct horse battery\n", "user", "add", "alice").must(t, 0, "Created user alice")
	srv := startServe(t, data, "--demo")
	defer srv.stop(t)
	search := func(text string) string {
		t.Helper()
		return get(t, srv.url+"/?q="+url.QueryEscape(text))
	}
	// Accents folded and words as prefixes: "reunion mens" finds the
	// "Réunion mensuelle", and only it.
	page := search("reunion mens")
	if !strings.Contains(page, "Réunion mensuelle des adhérents") || strings.Contains(page, "Marché hebdomadaire") {
		t.Fatalf("search for \"reunion mens\" does not give the meetings alone:\n%.2000s", page)
	}
	page = search("MARCHE")
	if !strings.Contains(page, "Marché hebdomadaire") || strings.Contains(page, "Réunion mensuelle des adhérents") {
		t.Fatalf("search for \"MARCHE\" does not give the markets alone:\n%.2000s", page)
	}
	// Query syntax typed into the box is words, not an error.
	search(`"Marché" NEAR/2 (OR -bio*) summary:x`)
}
