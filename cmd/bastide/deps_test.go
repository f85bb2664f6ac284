package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// The import direction of STYLE.md §2, checked on the real module with
// `go list`, and proved able to fail on fake import sets.

const module = "github.com/bastide47/bastide"

// pkgImports is what the rules look at: a package's direct imports and
// all its dependencies (non-test code).
type pkgImports struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// isStd reports whether an import path is in the standard library: its
// first element has no dot.
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// under reports whether path is pkg or one of its subpackages.
func under(path, pkg string) bool {
	return path == pkg || strings.HasPrefix(path, pkg+"/")
}

func rel(path string) string { return strings.TrimPrefix(strings.TrimPrefix(path, module), "/") }

// checkImportRules returns one line per broken rule.
func checkImportRules(pkgs []pkgImports) []string {
	var bad []string
	edges := []string{module + "/web", module + "/caldav", module + "/federation"}
	for _, p := range pkgs {
		name := rel(p.ImportPath)
		for _, imp := range p.Imports {
			if under(imp, module+"/cmd") && !under(p.ImportPath, module+"/cmd") {
				bad = append(bad, fmt.Sprintf("%s imports %s: nothing may import cmd (rule 5)", name, rel(imp)))
			}
			// db/load (an import: a store write from iCalendar text) is
			// shared by the CLI, the upload page and the subscription
			// worker (in cmd), and by nothing else.
			if imp == module+"/db/load" && !under(p.ImportPath, module+"/cmd") && !under(p.ImportPath, module+"/web") {
				bad = append(bad, fmt.Sprintf("%s imports db/load: only cmd and web import it", name))
			}
			// The web shows fields stored at write time and edits objects
			// through ical's functions: it never handles iCalendar itself.
			if under(imp, "github.com/emersion/go-ical") && under(p.ImportPath, module+"/web") {
				bad = append(bad, fmt.Sprintf("%s imports %s: web reads stored fields and calls ical, it does not handle iCalendar itself", name, imp))
			}
		}
		switch {
		case p.ImportPath == module+"/db/model":
			for _, imp := range p.Imports {
				if !isStd(imp) {
					bad = append(bad, fmt.Sprintf("db/model imports %s: it may import only the standard library (rule 1)", imp))
				}
			}
		case p.ImportPath == module+"/db":
			for _, imp := range p.Imports {
				// bcrypt: password hashing lives beside the users it checks (db/auth.go).
				if !isStd(imp) && imp != module+"/db/model" && imp != "github.com/mattn/go-sqlite3" && imp != "golang.org/x/crypto/bcrypt" {
					bad = append(bad, fmt.Sprintf("db imports %s: it may import only db/model, mattn/go-sqlite3 and the standard library (rule 1)", imp))
				}
			}
		case p.ImportPath == module+"/db/load":
			for _, imp := range p.Imports {
				if !isStd(imp) && !under(imp, module+"/db") && imp != module+"/ical" {
					bad = append(bad, fmt.Sprintf("db/load imports %s: it may import only db, db/model and ical", imp))
				}
			}
		case under(p.ImportPath, module+"/ical"):
			for _, d := range p.Deps {
				if under(d, module+"/db") && !under(d, module+"/db/model") {
					bad = append(bad, fmt.Sprintf("%s depends on %s: ical may not use the store (rule 2)", name, rel(d)))
				}
				if d == "net" || under(d, "net/http") || d == "crypto/tls" {
					bad = append(bad, fmt.Sprintf("%s depends on %s: ical does no network I/O (rule 2)", name, d))
				}
				for _, e := range edges {
					if under(d, e) {
						bad = append(bad, fmt.Sprintf("%s depends on %s: ical sits below the edges (rule 2)", name, rel(d)))
					}
				}
			}
		}
		for _, e := range edges {
			if !under(p.ImportPath, e) {
				continue
			}
			for _, d := range p.Deps {
				for _, other := range edges {
					if other != e && under(d, other) {
						bad = append(bad, fmt.Sprintf("%s depends on %s: web, caldav and federation never import each other; go through db (rule 4)", name, rel(d)))
					}
				}
			}
		}
	}
	sort.Strings(bad)
	return bad
}

func TestImportDirection(t *testing.T) {
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Deps", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkgImports
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkgImports
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[rel(p.ImportPath)] = true
	}
	for _, want := range []string{"db/model", "db", "ical", "cmd/bastide", "web"} {
		if !seen[want] {
			t.Fatalf("go list did not report %s; the check would be blind", want)
		}
	}
	for _, v := range checkImportRules(pkgs) {
		t.Error(v)
	}
}

func TestImportRulesCatchViolations(t *testing.T) {
	m := func(s string) string { return module + "/" + s }
	tests := []struct {
		name string
		pkg  pkgImports
		want string // substring of the violation; empty: none
	}{
		{"model with stdlib only", pkgImports{ImportPath: m("db/model"), Imports: []string{"time", "strings"}}, ""},
		{"model importing go-ical", pkgImports{ImportPath: m("db/model"), Imports: []string{"github.com/emersion/go-ical"}}, "rule 1"},
		{"model importing db", pkgImports{ImportPath: m("db/model"), Imports: []string{m("db")}}, "rule 1"},
		{"db with mattn", pkgImports{ImportPath: m("db"), Imports: []string{"database/sql", "github.com/mattn/go-sqlite3", m("db/model")}}, ""},
		{"db importing ical", pkgImports{ImportPath: m("db"), Imports: []string{m("ical")}}, "rule 1"},
		{"db importing echo", pkgImports{ImportPath: m("db"), Imports: []string{"github.com/labstack/echo/v4"}}, "rule 1"},
		{"ical on model", pkgImports{ImportPath: m("ical"), Deps: []string{m("db/model"), "net/url"}}, ""},
		{"ical on db", pkgImports{ImportPath: m("ical"), Deps: []string{m("db")}}, "rule 2"},
		{"ical on dbtest", pkgImports{ImportPath: m("ical/internal/x"), Deps: []string{m("db/dbtest")}}, "rule 2"},
		{"ical on net/http", pkgImports{ImportPath: m("ical"), Deps: []string{"net/http"}}, "rule 2"},
		{"ical on net", pkgImports{ImportPath: m("ical"), Deps: []string{"net"}}, "rule 2"},
		{"caldav on web", pkgImports{ImportPath: m("caldav"), Deps: []string{m("web")}}, "rule 4"},
		{"web on federation subpackage", pkgImports{ImportPath: m("web"), Deps: []string{m("federation/remote")}}, "rule 4"},
		{"federation subpackage on caldav", pkgImports{ImportPath: m("federation/remote"), Deps: []string{m("caldav")}}, "rule 4"},
		{"caldav on its own subpackage", pkgImports{ImportPath: m("caldav"), Deps: []string{m("caldav/xml"), m("db"), m("ical")}}, ""},
		{"web importing db/load", pkgImports{ImportPath: m("web"), Imports: []string{m("db/load")}}, ""},
		{"caldav importing db/load", pkgImports{ImportPath: m("caldav"), Imports: []string{m("db/load")}}, "only cmd and web"},
		{"db/load on ical and db", pkgImports{ImportPath: m("db/load"), Imports: []string{m("db"), m("ical"), m("db/model"), "sync"}}, ""},
		{"db/load on federation", pkgImports{ImportPath: m("db/load"), Imports: []string{m("federation/remote")}}, "db/load imports"},
		{"web importing go-ical", pkgImports{ImportPath: m("web"), Imports: []string{"github.com/emersion/go-ical", m("ical")}}, "does not handle iCalendar"},
		{"web subpackage importing go-ical", pkgImports{ImportPath: m("web/form"), Imports: []string{"github.com/emersion/go-ical"}}, "does not handle iCalendar"},
		{"web on ical only", pkgImports{ImportPath: m("web"), Imports: []string{m("ical")}, Deps: []string{m("ical"), "github.com/emersion/go-ical"}}, ""},
		{"web importing cmd", pkgImports{ImportPath: m("web"), Imports: []string{m("cmd/bastide")}}, "rule 5"},
		{"cmd importing everything", pkgImports{ImportPath: m("cmd/bastide"), Imports: []string{m("web"), m("caldav"), m("federation")}, Deps: []string{m("web"), m("caldav"), m("federation")}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkImportRules([]pkgImports{tt.pkg})
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("unexpected violations: %v", got)
				}
				return
			}
			if len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), tt.want) {
				t.Fatalf("violations %v, want one mentioning %q", got, tt.want)
			}
		})
	}
}
