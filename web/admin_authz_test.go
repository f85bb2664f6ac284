package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// The roles every back-office route is tried with: a visitor, the owner
// of another association, and the viewer, editor and owner of "amis", and
// the instance's admin.
var actors = []string{"anonymous", "otto", "vera", "eddy", "olga", "admin"}

var everyone = actors
var signedIn = actors[1:]

// routeCase says how to call a route and who may.
type routeCase struct {
	// prepare returns the path and the form for actor (it may add what
	// the call needs to the store, such as a link or an app password).
	prepare func(env *adminEnv, actor string) (string, url.Values)
	allow   []string
}

// uploadCases are the routes whose form goes as multipart/form-data, with
// these files (field name to content).
var uploadCases = map[string]map[string]string{
	"POST /admin/associations/:slug/import": {"file": smallICS},
}

func fixed(path string, form url.Values) func(*adminEnv, string) (string, url.Values) {
	return func(*adminEnv, string) (string, url.Values) { return path, form }
}

func (env *adminEnv) link(l *model.AccountLink) string {
	env.t.Helper()
	l.CreatedBy = env.users["admin"].ID
	l.ExpiresAt = env.clock().Add(time.Hour)
	tok, err := env.s.CreateAccountLink(context.Background(), l)
	if err != nil {
		env.t.Fatal(err)
	}
	return tok
}

// userPath targets a new account, disabled for "enable".
func userPath(verb string) func(*adminEnv, string) (string, url.Values) {
	return func(env *adminEnv, _ string) (string, url.Values) {
		ctx := context.Background()
		u := &model.User{Username: "dora"}
		if err := env.s.CreateUser(ctx, u); err != nil {
			env.t.Fatal(err)
		}
		if err := env.s.SetUserDisabled(ctx, u.ID, verb == "enable"); err != nil {
			env.t.Fatal(err)
		}
		return "/admin/users/" + strconv.FormatInt(u.ID, 10) + "/" + verb, url.Values{}
	}
}

// routeCases holds an expectation for every back-office route; a route
// registered without one fails TestEveryAdminRouteAsksAuthorization.
var routeCases = map[string]routeCase{
	"GET /admin/login":  {fixed("/admin/login", nil), everyone},
	"POST /admin/login": {fixed("/admin/login", url.Values{"username": {"vera"}, "password": {password("vera")}}), everyone},
	"GET /admin/join/:token": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/join/" + env.link(&model.AccountLink{Kind: model.LinkInvite, AssociationID: env.assocs["amis"].ID, Role: model.RoleViewer}), nil
	}, everyone},
	"POST /admin/join/:token": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/join/" + env.link(&model.AccountLink{Kind: model.LinkInvite, AssociationID: env.assocs["amis"].ID, Role: model.RoleViewer}),
			url.Values{"username": {"newcomer"}, "password": {"a good password"}, "confirm": {"a good password"}}
	}, everyone},
	"GET /admin/reset/:token": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/reset/" + env.link(&model.AccountLink{Kind: model.LinkReset, UserID: env.users["vera"].ID}), nil
	}, everyone},
	"POST /admin/reset/:token": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/reset/" + env.link(&model.AccountLink{Kind: model.LinkReset, UserID: env.users["vera"].ID}),
			url.Values{"password": {"a new password"}, "confirm": {"a new password"}}
	}, everyone},
	"GET /admin":                    {fixed("/admin", nil), signedIn},
	"GET /admin/":                   {fixed("/admin/", nil), signedIn},
	"POST /admin/logout":            {fixed("/admin/logout", url.Values{}), signedIn},
	"POST /admin/logout/everywhere": {fixed("/admin/logout/everywhere", url.Values{}), signedIn},
	"GET /admin/me":                 {fixed("/admin/me", nil), signedIn},
	"GET /admin/me/password":        {fixed("/admin/me/password", nil), signedIn},
	"GET /admin/me/app-passwords":   {fixed("/admin/me/app-passwords", nil), signedIn},
	"GET /admin/me/connect":         {fixed("/admin/me/connect", nil), signedIn},
	"GET /admin/invitations/new":    {fixed("/admin/invitations/new", nil), []string{"otto", "olga", "admin"}},
	"GET /admin/users":              {fixed("/admin/users", nil), []string{"admin"}},
	"POST /admin/users/:id/reset":   {userPath("reset"), []string{"admin"}},
	"POST /admin/users/:id/disable": {userPath("disable"), []string{"admin"}},
	"POST /admin/users/:id/enable":  {userPath("enable"), []string{"admin"}},
	"POST /admin/me/connect/apple":  {fixed("/admin/me/connect/apple", url.Values{"name": {"iPad"}}), signedIn},
	"POST /admin/me/app-passwords":  {fixed("/admin/me/app-passwords", url.Values{"name": {"phone"}}), signedIn},
	"POST /admin/me/password": {func(env *adminEnv, actor string) (string, url.Values) {
		cur := password(actor)
		return "/admin/me/password", url.Values{"current": {cur}, "password": {"another password"}, "confirm": {"another password"}}
	}, signedIn},
	"POST /admin/me/app-passwords/revoke": {func(env *adminEnv, actor string) (string, url.Values) {
		owner := actor
		if owner == "anonymous" {
			owner = "vera"
		}
		if err := env.s.AddAppPassword(context.Background(), &model.AppPassword{UserID: env.users[owner].ID, Name: "phone", Hash: "x"}); err != nil {
			env.t.Fatal(err)
		}
		return "/admin/me/app-passwords/revoke", url.Values{"name": {"phone"}}
	}, signedIn},
	// The instance's admin: moderation.
	"GET /admin/moderation": {fixed("/admin/moderation", nil), []string{"admin"}},
	"POST /admin/moderation/:id/approve": {func(env *adminEnv, _ string) (string, url.Values) {
		return eventPath(env.pending(env.source("bal"), "bal-1", "Bal"), "approve"), url.Values{}
	}, []string{"admin"}},
	"POST /admin/moderation/:id/reject": {func(env *adminEnv, _ string) (string, url.Values) {
		return eventPath(env.pending(env.source("bal"), "bal-1", "Bal"), "reject"), url.Values{}
	}, []string{"admin"}},
	"POST /admin/moderation/sources/:id/trust": {func(env *adminEnv, _ string) (string, url.Values) {
		fl := env.source("bal")
		env.pending(fl, "bal-1", "Bal")
		return "/admin/moderation/sources/" + strconv.FormatInt(fl.ID, 10) + "/trust", url.Values{}
	}, []string{"admin"}},
	"GET /admin/instance": {fixed("/admin/instance", nil), []string{"admin"}},
	"POST /admin/instance/deliveries/retry": {func(env *adminEnv, _ string) (string, url.Values) {
		env.deadDelivery("down.example")
		return "/admin/instance/deliveries/retry", url.Values{"host": {"down.example"}}
	}, []string{"admin"}},
	"GET /admin/instance/fediverse": {fixed("/admin/instance/fediverse", nil), []string{"admin"}},
	"POST /admin/instance/follows":  {fixed("/admin/instance/follows", url.Values{"target": {"@bal@mobilizon.example.org"}}), []string{"admin"}},
	"POST /admin/instance/follows/:id/trust": {func(env *adminEnv, _ string) (string, url.Values) {
		fl := env.source("bal")
		env.pending(fl, "bal-1", "Bal")
		return "/admin/instance/follows/" + strconv.FormatInt(fl.ID, 10) + "/trust", url.Values{}
	}, []string{"admin"}},
	"POST /admin/instance/follows/:id/untrust": {func(env *adminEnv, _ string) (string, url.Values) {
		fl := env.source("bal")
		if _, err := env.s.TrustSource(context.Background(), fl.ID); err != nil {
			env.t.Fatal(err)
		}
		return "/admin/instance/follows/" + strconv.FormatInt(fl.ID, 10) + "/untrust", url.Values{}
	}, []string{"admin"}},
	"POST /admin/instance/follows/:id/unfollow": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/instance/follows/" + strconv.FormatInt(env.source("bal").ID, 10) + "/unfollow", url.Values{}
	}, []string{"admin"}},
	"POST /admin/instance/follow-requests/:id/delete": {func(env *adminEnv, _ string) (string, url.Values) {
		if err := env.s.RequestFollow(context.Background(), "@bal@mobilizon.example.org", false); err != nil {
			env.t.Fatal(err)
		}
		return "/admin/instance/follow-requests/" + strconv.FormatInt(env.followRequests()[0].ID, 10) + "/delete", url.Values{}
	}, []string{"admin"}},
	"POST /admin/instance/blocks": {fixed("/admin/instance/blocks", url.Values{"domain": {"spam.example"}}), []string{"admin"}},
	"POST /admin/instance/blocks/delete": {func(env *adminEnv, _ string) (string, url.Values) {
		if _, err := env.s.BlockDomain(context.Background(), "spam.example", ""); err != nil {
			env.t.Fatal(err)
		}
		return "/admin/instance/blocks/delete", url.Values{"domain": {"spam.example"}}
	}, []string{"admin"}},
	"GET /admin/instance/settings":         {fixed("/admin/instance/settings", nil), []string{"admin"}},
	"POST /admin/instance/settings":        {fixed("/admin/instance/settings", url.Values{"name": {"Agenda 47"}}), []string{"admin"}},
	"GET /admin/instance/pages/:slug":      {fixed("/admin/instance/pages/charte", nil), []string{"admin"}},
	"POST /admin/instance/pages/:slug":     {fixed("/admin/instance/pages/charte", url.Values{"body": {"# Charte"}}), []string{"admin"}},
	"GET /admin/instance/associations":     {fixed("/admin/instance/associations", nil), []string{"admin"}},
	"GET /admin/instance/associations/new": {fixed("/admin/instance/associations/new", nil), []string{"admin"}},
	"POST /admin/instance/associations": {fixed("/admin/instance/associations", url.Values{"name": {"Comité"}, "slug": {"comite"}}),
		[]string{"admin"}},
	"POST /admin/instance/associations/:slug/archive": {fixed("/admin/instance/associations/amis/archive", url.Values{}), []string{"admin"}},
	"POST /admin/instance/associations/:slug/unarchive": {func(env *adminEnv, _ string) (string, url.Values) {
		if err := env.s.ArchiveAssociation(context.Background(), env.assocs["amis"].ID, true); err != nil {
			env.t.Fatal(err)
		}
		return "/admin/instance/associations/amis/unarchive", url.Values{}
	}, []string{"admin"}},
	"GET /admin/instance/associations/:slug/delete":  {fixed("/admin/instance/associations/amis/delete", nil), []string{"admin"}},
	"POST /admin/instance/associations/:slug/delete": {fixed("/admin/instance/associations/amis/delete", url.Values{}), []string{"admin"}},
	"POST /admin/users/:id/promote":                  {userPath("promote"), []string{"admin"}},
	"POST /admin/users/:id/demote": {func(env *adminEnv, actor string) (string, url.Values) {
		path, form := userPath("demote")(env, actor)
		if err := env.s.SetUserAdmin(context.Background(), env.user("dora").ID, true); err != nil {
			env.t.Fatal(err)
		}
		return path, form
	}, []string{"admin"}},
	"GET /admin/users/:id/delete":  {userPath("delete"), []string{"admin"}},
	"POST /admin/users/:id/delete": {userPath("delete"), []string{"admin"}},
	// An association's own pages (section 3): its owner and the admin.
	"GET /admin/associations/:slug/edit": {fixed("/admin/associations/amis/edit", nil), []string{"olga", "admin"}},
	"POST /admin/associations/:slug/edit": {fixed("/admin/associations/amis/edit",
		url.Values{"name": {"Les amis du Lot"}, "commune": {"47001"}, "manual": {"on"}}), []string{"olga", "admin"}},
	"GET /admin/associations/:slug/members": {fixed("/admin/associations/amis/members", nil), []string{"olga", "admin"}},
	"POST /admin/associations/:slug/members/:id/role": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/associations/amis/members/" + strconv.FormatInt(env.users["eddy"].ID, 10) + "/role", url.Values{"role": {"viewer"}}
	}, []string{"olga", "admin"}},
	"POST /admin/associations/:slug/members/:id/remove": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/associations/amis/members/" + strconv.FormatInt(env.users["vera"].ID, 10) + "/remove", url.Values{}
	}, []string{"olga", "admin"}},
	"GET /admin/associations/:slug/calendars":              {fixed("/admin/associations/amis/calendars", nil), []string{"olga", "admin"}},
	"GET /admin/associations/:slug/calendars/new":          {fixed("/admin/associations/amis/calendars/new", nil), []string{"olga", "admin"}},
	"POST /admin/associations/:slug/calendars":             {fixed("/admin/associations/amis/calendars", url.Values{"name": {"Fêtes"}, "color": {"#aa3300"}}), []string{"olga", "admin"}},
	"GET /admin/associations/:slug/calendars/:cal/edit":    {fixed("/admin/associations/amis/calendars/main/edit", nil), []string{"olga", "admin"}},
	"POST /admin/associations/:slug/calendars/:cal/edit":   {fixed("/admin/associations/amis/calendars/main/edit", url.Values{"name": {"Agenda privé"}}), []string{"olga", "admin"}},
	"POST /admin/associations/:slug/calendars/:cal/delete": {fixed("/admin/associations/amis/calendars/main/delete", url.Values{"confirm": {"on"}}), []string{"olga", "admin"}},
	"GET /admin/associations/:slug/followers": {func(env *adminEnv, _ string) (string, url.Values) {
		env.follower("amis", "https://mz.example/@dana", db.FollowPending)
		return "/admin/associations/amis/followers", nil
	}, []string{"olga", "admin"}},
	"POST /admin/associations/:slug/followers/accept": {func(env *adminEnv, _ string) (string, url.Values) {
		env.follower("amis", "https://mz.example/@dana", db.FollowPending)
		return "/admin/associations/amis/followers/accept", url.Values{"actor": {"https://mz.example/@dana"}}
	}, []string{"olga", "admin"}},
	"POST /admin/associations/:slug/followers/reject": {func(env *adminEnv, _ string) (string, url.Values) {
		env.follower("amis", "https://mz.example/@dana", db.FollowAccepted)
		return "/admin/associations/amis/followers/reject", url.Values{"actor": {"https://mz.example/@dana"}}
	}, []string{"olga", "admin"}},
	"GET /admin/associations/:slug/places":     {fixed("/admin/associations/amis/places", nil), []string{"olga", "admin"}},
	"GET /admin/associations/:slug/places/new": {fixed("/admin/associations/amis/places/new", nil), []string{"olga", "admin"}},
	"POST /admin/associations/:slug/places": {fixed("/admin/associations/amis/places",
		url.Values{"name": {"Salle des fêtes"}, "commune": {"47195"}}), []string{"olga", "admin"}},
	"GET /admin/associations/:slug/places/:id/edit": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/associations/amis/places/" + env.place("amis", "Halle", "47001") + "/edit", nil
	}, []string{"olga", "admin"}},
	"POST /admin/associations/:slug/places/:id/edit": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/associations/amis/places/" + env.place("amis", "Halle", "47001") + "/edit",
			url.Values{"name": {"Halle du marché"}, "commune": {"47001"}, "lat": {"44,2"}, "lon": {"0.62"}}
	}, []string{"olga", "admin"}},
	"POST /admin/associations/:slug/places/:id/delete": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/associations/amis/places/" + env.place("amis", "Halle", "47001") + "/delete", url.Values{}
	}, []string{"olga", "admin"}},
	"POST /admin/invitations": {func(env *adminEnv, _ string) (string, url.Values) {
		return "/admin/invitations", url.Values{"association": {strconv.FormatInt(env.assocs["amis"].ID, 10)}, "role": {"editor"}, "days": {"7"}}
	}, []string{"olga", "admin"}},
	// The event form: the editors and owners of "amis", and the admin.
	"GET /admin/associations/:slug/events":                 {fixed("/admin/associations/amis/events", nil), eventEditors},
	"GET /admin/associations/:slug/events/new":             {fixed("/admin/associations/amis/events/new", nil), eventEditors},
	"POST /admin/associations/:slug/events":                {fixed("/admin/associations/amis/events", newEventForm()), eventEditors},
	"GET /admin/associations/:slug/events/:uuid/edit":      {eventRoute("edit", nil), eventEditors},
	"GET /admin/associations/:slug/events/:uuid/duplicate": {eventRoute("duplicate", nil), eventEditors},
	"POST /admin/associations/:slug/events/:uuid": {eventRoute("", func(e *model.Event) url.Values {
		f := newEventForm()
		f.Set("etag", e.ETag)
		return f
	}), eventEditors},
	"POST /admin/associations/:slug/events/:uuid/cancel": {eventRoute("cancel", func(e *model.Event) url.Values { return url.Values{"etag": {e.ETag}} }), eventEditors},
	"POST /admin/associations/:slug/events/:uuid/delete": {eventRoute("delete", func(e *model.Event) url.Values { return url.Values{"etag": {e.ETag}, "confirm": {"1"}} }), eventEditors},
	"POST /admin/associations/:slug/events/:uuid/occurrences": {eventRoute("occurrences", func(e *model.Event) url.Values {
		return url.Values{"etag": {e.ETag}, "date": {"2026-05-25"}, "op": {"cancel"}}
	}), eventEditors},
	// ICS subscriptions (owners) and uploads (editors and owners).
	"GET /admin/associations/:slug/subscriptions": {fixed("/admin/associations/amis/subscriptions", nil), []string{"olga", "admin"}},
	"POST /admin/associations/:slug/subscriptions": {fixed("/admin/associations/amis/subscriptions",
		url.Values{"url": {"webcal://cal.example.org/club.ics"}, "calendar": {"-"}, "name": {"Club"}, "every": {"60"}}), []string{"olga", "admin"}},
	"POST /admin/associations/:slug/subscriptions/:id/refresh": {func(env *adminEnv, _ string) (string, url.Values) {
		return env.subscriptionPath("amis", "refresh"), url.Values{}
	}, []string{"olga", "admin"}},
	"POST /admin/associations/:slug/subscriptions/:id/delete": {func(env *adminEnv, _ string) (string, url.Values) {
		return env.subscriptionPath("amis", "delete"), url.Values{"confirm": {"on"}}
	}, []string{"olga", "admin"}},
	"GET /admin/associations/:slug/import":  {fixed("/admin/associations/amis/import", nil), eventEditors},
	"POST /admin/associations/:slug/import": {fixed("/admin/associations/amis/import", url.Values{"calendar": {"main"}}), eventEditors},
	"GET /admin/associations/:slug/import/:job": {func(env *adminEnv, actor string) (string, url.Values) {
		return env.importJobPath(actor), nil
	}, eventEditors},
}

// TestEveryAdminRouteAsksAuthorization walks every registered back-office
// route × every role × its method, and checks that it answers as the
// table says; a refused POST must leave the store as it was.
func TestEveryAdminRouteAsksAuthorization(t *testing.T) {
	probe := newAdminEnv(t)
	seen := map[string]bool{}
	for _, r := range probe.e.Routes() {
		if !strings.HasPrefix(r.Path, "/admin") || r.Method == echo.RouteNotFound {
			continue
		}
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet // same handler, same rule
		}
		key := method + " " + r.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		rc, ok := routeCases[key]
		if !ok {
			t.Errorf("route %s has no expectation in routeCases: add who may use it", key)
			continue
		}
		for _, actor := range actors {
			t.Run(strings.ReplaceAll(key, "/", "_")+"/"+actor, func(t *testing.T) {
				env := newAdminEnv(t)
				token := ""
				if actor != "anonymous" {
					token = env.session(actor)
				}
				path, form := rc.prepare(env, actor)
				before := env.snapshot()
				var res result
				if files, ok := uploadCases[key]; ok {
					res = env.upload(path, token, form, files)
				} else {
					res = env.do(method, path, token, form)
				}
				loc := res.Header().Get("Location")
				toLogin := strings.HasPrefix(loc, "/admin/login?")
				allowed := slices.Contains(rc.allow, actor)
				switch {
				case allowed && (res.Code == http.StatusForbidden || toLogin || res.Code >= 400):
					t.Fatalf("%s as %s: refused (%d %s), want allowed\n%s", key, actor, res.Code, loc, cutBody(res.Body.String()))
				case !allowed && actor == "anonymous" && !(res.Code == http.StatusSeeOther && toLogin):
					t.Fatalf("%s as a visitor: %d %s, want 303 to the sign-in page", key, res.Code, loc)
				case !allowed && actor != "anonymous" && res.Code != http.StatusForbidden:
					t.Fatalf("%s as %s: %d, want 403", key, actor, res.Code)
				}
				if !allowed {
					if after := env.snapshot(); after != before {
						t.Fatalf("%s as %s was refused but changed the store:\nbefore\n%s\nafter\n%s", key, actor, before, after)
					}
				}
			})
		}
	}
	for key := range routeCases {
		if !seen[key] {
			t.Errorf("routeCases has %s, which is not a registered route", key)
		}
	}
}

// can is a pure rule: a few direct cases, on top of the route walk.
func TestCan(t *testing.T) {
	amis, autre := int64(1), int64(2)
	owner := &principal{User: &model.User{ID: 1}, Roles: map[int64]model.Role{amis: model.RoleOwner}}
	editor := &principal{User: &model.User{ID: 2}, Roles: map[int64]model.Role{amis: model.RoleEditor}}
	admin := &principal{User: &model.User{ID: 3, Admin: true}, Roles: map[int64]model.Role{}}
	disabledAdmin := &principal{User: &model.User{ID: 4, Admin: true, Disabled: true}}
	for _, c := range []struct {
		p     *principal
		act   action
		assoc int64
		want  bool
	}{
		{nil, actOwnAccount, noAssociation, false},
		{editor, actOwnAccount, noAssociation, true},
		{owner, actInvite, amis, true},
		{owner, actInvite, autre, false},
		{owner, actInvite, noAssociation, false},
		{owner, actInvite, anyAssociation, true},
		{editor, actInvite, amis, false},
		{editor, actInvite, anyAssociation, false},
		{admin, actInvite, noAssociation, true},
		{admin, actManageAccounts, noAssociation, true},
		{owner, actManageAccounts, noAssociation, false},
		{disabledAdmin, actManageAccounts, noAssociation, false},
		{owner, actManageAssociation, amis, true},
		{owner, actManageAssociation, autre, false},
		{editor, actManageAssociation, amis, false},
		{admin, actManageAssociation, autre, true},
		{editor, actEditEvents, amis, true},
		{owner, actEditEvents, amis, true},
		{owner, actEditEvents, autre, false},
		{editor, actEditEvents, noAssociation, false},
		{&principal{User: &model.User{ID: 5}, Roles: map[int64]model.Role{amis: model.RoleViewer}}, actEditEvents, amis, false},
		{admin, actEditEvents, autre, true},
	} {
		if got := can(c.p, c.act, c.assoc); got != c.want {
			t.Errorf("can(%+v, %d, %d) = %v, want %v", c.p, c.act, c.assoc, got, c.want)
		}
	}
}
