package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// adminEnv is a back office over a real (in-memory, migrated) store with
// an admin, the owner, an editor and a viewer of "amis", and the owner of
// another association "autre"; its clock moves only when told.
type adminEnv struct {
	t        *testing.T
	s        *db.Store
	e        *echo.Echo
	throttle *model.LoginThrottle
	users    map[string]*model.User
	assocs   map[string]*model.Association

	mu  sync.Mutex
	now time.Time
}

func password(name string) string { return "pw-" + name + "-secret" }

func newAdminEnv(t *testing.T, mod ...func(*Options)) *adminEnv {
	t.Helper()
	ctx := context.Background()
	env := &adminEnv{t: t, s: dbtest.New(t), users: map[string]*model.User{}, assocs: map[string]*model.Association{}, now: testNow,
		throttle: model.NewLoginThrottle(5, 8, 10*time.Minute)}
	for _, slug := range []string{"amis", "autre"} {
		a := &model.Association{Slug: slug, Name: "Les " + slug}
		if err := env.s.CreateAssociation(ctx, a); err != nil {
			t.Fatal(err)
		}
		c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: "main", Name: "Agenda", Public: true}
		if err := env.s.CreateCalendar(ctx, c); err != nil {
			t.Fatal(err)
		}
		env.assocs[slug] = a
	}
	for _, u := range []struct {
		name, assoc string
		role        model.Role
		admin       bool
	}{
		{"admin", "", "", true}, {"olga", "amis", model.RoleOwner, false}, {"eddy", "amis", model.RoleEditor, false},
		{"vera", "amis", model.RoleViewer, false}, {"otto", "autre", model.RoleOwner, false},
	} {
		// The lowest bcrypt cost keeps the tests fast; the store checks any cost.
		h, err := bcrypt.GenerateFromPassword([]byte(password(u.name)), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		m := &model.User{Username: u.name, PasswordHash: string(h), Admin: u.admin}
		if err := env.s.CreateUser(ctx, m); err != nil {
			t.Fatal(err)
		}
		if u.assoc != "" {
			if err := env.s.SetMembership(ctx, &model.Membership{UserID: m.ID, AssociationID: env.assocs[u.assoc].ID, Role: u.role}); err != nil {
				t.Fatal(err)
			}
		}
		env.users[u.name] = m
	}
	o := Options{BaseURL: testBase, Now: env.clock, Throttle: env.throttle}
	for _, f := range mod {
		f(&o)
	}
	env.e = New(env.s, nil, o).(*echo.Echo)
	return env
}

func (env *adminEnv) clock() time.Time {
	env.mu.Lock()
	defer env.mu.Unlock()
	return env.now
}

func (env *adminEnv) advance(d time.Duration) {
	env.mu.Lock()
	env.now = env.now.Add(d)
	env.mu.Unlock()
}

// session opens a session for a user straight in the store.
func (env *adminEnv) session(name string) string {
	env.t.Helper()
	now := env.clock()
	tok, err := env.s.CreateSession(context.Background(), env.users[name].ID, now, now.Add(defaultMaxLife))
	if err != nil {
		env.t.Fatal(err)
	}
	return tok
}

type result struct {
	*httptest.ResponseRecorder
	what string
}

// do sends a request from a same-origin browser page; token is the
// session cookie ("" for none); hdr are header pairs that override.
func (env *adminEnv) do(method, path, token string, form url.Values, hdr ...string) result {
	env.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, testBase+path, body)
	r.RemoteAddr = "192.0.2.10:40000"
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		r.Header.Set("Origin", testBase)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if token != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			r.Header.Del(hdr[i])
		} else {
			r.Header.Set(hdr[i], hdr[i+1])
		}
	}
	w := httptest.NewRecorder()
	env.e.ServeHTTP(w, r)
	return result{w, method + " " + path}
}

func (r result) must(t *testing.T, code int, subs ...string) result {
	t.Helper()
	if r.Code != code {
		t.Fatalf("%s: status %d, want %d\n%s", r.what, r.Code, code, cutBody(r.Body.String()))
	}
	for _, s := range subs {
		if !strings.Contains(r.Body.String(), s) {
			t.Fatalf("%s: body lacks %q\n%s", r.what, s, cutBody(r.Body.String()))
		}
	}
	return r
}

func (r result) lacks(t *testing.T, subs ...string) result {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(r.Body.String(), s) {
			t.Fatalf("%s: body has %q", r.what, s)
		}
	}
	return r
}

func (r result) redirects(t *testing.T, to string) result {
	t.Helper()
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != to {
		t.Fatalf("%s: %d to %q, want 303 to %q", r.what, r.Code, r.Header().Get("Location"), to)
	}
	return r
}

// cookie returns the session cookie the response sets (nil if none).
func (r result) cookie() *http.Cookie {
	for _, c := range r.Result().Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

func cutBody(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

var linkRe = regexp.MustCompile(`https://agenda\.test(/admin/(?:join|reset)/[A-Za-z0-9_-]+)`)

// linkIn returns the path of the single-use link a page shows.
func linkIn(t *testing.T, r result) string {
	t.Helper()
	m := linkRe.FindStringSubmatch(r.Body.String())
	if m == nil {
		t.Fatalf("%s: no link in the page\n%s", r.what, cutBody(r.Body.String()))
	}
	return m[1]
}

// snapshot is everything the back office may change, to check that a
// refused request changed nothing.
func (env *adminEnv) snapshot() string {
	env.t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, username, display_name, password_hash, admin, disabled FROM users ORDER BY id`,
		`SELECT user_id, association_id, role FROM memberships ORDER BY 1, 2`,
		`SELECT user_id, name, hash FROM app_passwords ORDER BY 1, 2`,
		`SELECT user_id, expires_at FROM sessions ORDER BY id`,
		`SELECT kind, ifnull(association_id, 0), role, username, ifnull(user_id, 0), expires_at, used_at FROM account_links ORDER BY id`,
		`SELECT id, moderation FROM events ORDER BY id`,
		`SELECT id, trusted FROM follows ORDER BY id`,
		`SELECT id, trusted FROM calendars ORDER BY id`,
		`SELECT id, state, attempts, next_at FROM deliveries ORDER BY id`,
		`SELECT domain, reason FROM domain_blocks ORDER BY domain`,
		`SELECT id, target, trusted, tried_at FROM follow_requests ORDER BY id`,
		`SELECT id, actor_id, state FROM followers ORDER BY id`,
		`SELECT slug, body FROM instance_pages ORDER BY slug`,
		`SELECT name, description, contact, footer, ifnull(logo_sha256, '') FROM instance_settings`,
		`SELECT id, slug, name FROM associations ORDER BY id`,
		`SELECT id, slug FROM calendars ORDER BY id`,
		// An association's own pages (section 3).
		`SELECT id, name, description, website, commune_insee, manually_approves_followers, ifnull(logo_sha256, '') FROM associations ORDER BY id`,
		`SELECT sha256 FROM images ORDER BY 1`,
		`SELECT id, ifnull(association_id, 0), slug, name, description, color, public FROM calendars ORDER BY id`,
		`SELECT seq, calendar_id, uid, kind FROM changes ORDER BY seq`,
		`SELECT association_id, actor_id, state, answer FROM followers ORDER BY id`,
		`SELECT id, ifnull(association_id, 0), name, street, postal_code, commune_insee, lat, lon, has_geo FROM places ORDER BY id`,
		`SELECT calendar_id, uid, etag, data FROM events ORDER BY id`,
		`SELECT id, calendar_id, url, interval_seconds, next_at FROM subscriptions ORDER BY id`,
		// An association's life.
		`SELECT id, archived_at, removing_at, removing_seq, farewell_at FROM associations ORDER BY id`,
	} {
		rows, err := env.s.Reader().QueryContext(context.Background(), q)
		if err != nil {
			env.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				env.t.Fatal(err)
			}
			for _, v := range vals {
				b.WriteString(toStr(v))
				b.WriteByte('|')
			}
			b.WriteByte('\n')
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

func toStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return itoa(int(x))
	}
	return "?"
}

// follower adds a follow of an association by a remote actor, in state.
func (env *adminEnv) follower(assoc, actor, state string) {
	env.t.Helper()
	if err := env.s.PutFollower(context.Background(), &db.Follower{AssociationID: env.assocs[assoc].ID, ActorID: actor,
		FollowID: actor + "/follow/1", FollowJSON: `{"type":"Follow"}`, State: state}); err != nil {
		env.t.Fatal(err)
	}
}

// place adds a place of an association and returns its id as text.
func (env *adminEnv) place(assoc, name, commune string) string {
	env.t.Helper()
	p := &model.Place{AssociationID: env.assocs[assoc].ID, Name: name, CommuneINSEE: commune}
	if err := env.s.CreateAssociationPlace(context.Background(), p); err != nil {
		env.t.Fatal(err)
	}
	return itoa(int(p.ID))
}
