package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// backofficeShots names, for each GET route of web/admin_routes.go, the
// screenshot of TestBackofficeInBrowser (integration tier) that shows its
// page at phone and desktop size. A new back-office page: add its route
// here and a step of the browser test that shoots it; the browser test
// checks that each name here was shot on a page of its route.
var backofficeShots = map[string]string{
	"/admin/login":                                     "login",
	"/admin/join/:token":                               "join",
	"/admin/reset/:token":                              "reset",
	"/admin":                                           "account-admin",
	"/admin/":                                          "account-admin",
	"/admin/me":                                        "account",
	"/admin/me/password":                               "password",
	"/admin/me/app-passwords":                          "app-passwords",
	"/admin/me/connect":                                "connect",
	"/admin/invitations/new":                           "invitation",
	"/admin/users":                                     "users",
	"/admin/users/:id/delete":                          "user-delete",
	"/admin/moderation":                                "moderation",
	"/admin/instance":                                  "instance",
	"/admin/instance/fediverse":                        "fediverse",
	"/admin/instance/associations":                     "associations",
	"/admin/instance/associations/new":                 "association-new",
	"/admin/instance/associations/:slug/delete":        "association-delete",
	"/admin/instance/settings":                         "settings",
	"/admin/instance/pages/:slug":                      "instance-page",
	"/admin/associations/:slug/edit":                   "association",
	"/admin/associations/:slug/members":                "members",
	"/admin/associations/:slug/calendars":              "calendars",
	"/admin/associations/:slug/calendars/new":          "calendar-new",
	"/admin/associations/:slug/calendars/:cal/edit":    "calendar-edit",
	"/admin/associations/:slug/followers":              "followers",
	"/admin/associations/:slug/places":                 "places",
	"/admin/associations/:slug/places/new":             "place-new",
	"/admin/associations/:slug/places/:id/edit":        "place-edit",
	"/admin/associations/:slug/events":                 "events",
	"/admin/associations/:slug/events/new":             "event-new",
	"/admin/associations/:slug/events/:uuid/edit":      "event-edit",
	"/admin/associations/:slug/events/:uuid/duplicate": "event-duplicate",
	"/admin/associations/:slug/subscriptions":          "subscriptions",
	"/admin/associations/:slug/import":                 "import",
	"/admin/associations/:slug/import/:job":            "import-report",
}

// adminGetRoutes reads web/admin_routes.go and returns the paths of the
// routes it declares with get(group, path, handler), under /admin.
func adminGetRoutes(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join("..", "..", "web", "admin_routes.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 3 {
			return true
		}
		if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "get" {
			return true
		}
		lit, ok := call.Args[1].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.Errorf("%s: a get route whose path is not a literal: the screenshot check cannot read it", fset.Position(call.Pos()))
			return true
		}
		p, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		routes = append(routes, "/admin"+p)
		return true
	})
	return routes
}

// routeMatches reports whether path is a page of route (":name" stands
// for one segment); /admin leads to one's own space, /admin/me.
func routeMatches(route, path string) bool {
	if route == "/admin" || route == "/admin/" {
		return path == "/admin/me"
	}
	re := "^" + regexp.MustCompile(`:[a-z]+`).ReplaceAllString(regexp.QuoteMeta(route), `[^/]+`) + "$"
	return regexp.MustCompile(re).MatchString(path)
}

// Every page of the back office has its screenshot in the browser test,
// and the list names no route that is gone.
func TestEveryBackofficePageHasAScreenshot(t *testing.T) {
	routes := adminGetRoutes(t)
	if len(routes) < 20 {
		t.Fatalf("found %d GET routes in web/admin_routes.go: the parse is blind", len(routes))
	}
	seen := map[string]bool{}
	for _, r := range routes {
		seen[r] = true
		if backofficeShots[r] == "" {
			t.Errorf("the back-office page %s has no screenshot: add it to backofficeShots and shoot it in TestBackofficeInBrowser", r)
		}
	}
	for r := range backofficeShots {
		if !seen[r] {
			t.Errorf("backofficeShots lists %s, which web/admin_routes.go no longer declares", r)
		}
	}
}

func TestRouteMatches(t *testing.T) {
	for _, c := range []struct {
		route, path string
		want        bool
	}{
		{"/admin/associations/:slug/events/:uuid/edit", "/admin/associations/amis/events/1b2c/edit", true},
		{"/admin/associations/:slug/events/:uuid/edit", "/admin/associations/amis/events/edit", false},
		{"/admin/associations/:slug/places", "/admin/associations/amis/places/new", false},
		{"/admin/me", "/admin/me", true},
		{"/admin", "/admin/me", true},
		{"/admin/", "/admin/users", false},
	} {
		if got := routeMatches(c.route, c.path); got != c.want {
			t.Errorf("routeMatches(%q, %q) = %v", c.route, c.path, got)
		}
	}
}
