package web

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func login(name, pass string) url.Values {
	return url.Values{"username": {name}, "password": {pass}}
}

func TestAdminLeadsToSignIn(t *testing.T) {
	env := newAdminEnv(t)
	env.do("GET", "/admin", "", nil).redirects(t, "/admin/login?next=%2Fadmin")
	env.do("GET", "/admin/me/connect", "", nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme%2Fconnect")
	env.do("GET", "/admin/login?next=%2Fadmin%2Fme", "", nil).must(t, 200, "<h1>Connexion</h1>", `name="next" value="/admin/me"`)
	env.do("GET", "/admin/login?lang=en", "", nil).must(t, 200, "<h1>Sign in</h1>")
	// Every public page links to the back office.
	env.do("GET", "/", "", nil).must(t, 200, `href="/admin"`, "Espace associations")
}

func TestSignInAndSessions(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	// A wrong password: the form again, with the username typed, no cookie.
	r := env.do("POST", "/admin/login", "", login("vera", "wrong password"))
	r.must(t, 401, "Nom d&#39;utilisateur ou mot de passe incorrect.", `value="vera"`).lacks(t, "wrong password")
	if r.cookie() != nil {
		t.Fatal("a cookie was set after a wrong password")
	}
	// App passwords do not open the back office.
	if err := env.s.AddAppPassword(ctx, &model.AppPassword{UserID: env.users["vera"].ID, Name: "phone", Hash: mustHash(t, "app-only-password")}); err != nil {
		t.Fatal(err)
	}
	env.do("POST", "/admin/login", "", login("vera", "app-only-password")).must(t, 401)
	// An empty field is said next to it.
	env.do("POST", "/admin/login", "", login("", "x")).must(t, 422, "Indiquez votre nom d&#39;utilisateur.")

	// The right password: a new session, and a cookie made for it.
	old := env.session("vera")
	f := login("vera", password("vera"))
	f.Set("next", "/admin/me/connect")
	r = env.do("POST", "/admin/login", old, f).redirects(t, "/admin/me/connect")
	ck := r.cookie()
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || !ck.Secure || ck.Path != "/admin" || ck.Value == old {
		t.Fatalf("session cookie %+v", ck)
	}
	env.do("GET", "/admin/me", old, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme")
	env.do("GET", "/admin/me", ck.Value, nil).must(t, 200, "Connecté·e en tant que vera", "Les amis", "lecture")
	// Only a hash of the token is stored.
	var n int
	if err := env.s.Reader().QueryRow(`SELECT count(*) FROM sessions WHERE token_hash = ? OR token_hash LIKE ?`, ck.Value, "%"+ck.Value+"%").Scan(&n); err != nil || n != 0 {
		t.Fatalf("the token is stored in clear (%d, %v)", n, err)
	}
	// "next" never leaves the back office.
	f.Set("next", "//evil.example/")
	env.do("POST", "/admin/login", "", f).redirects(t, "/admin")
	// Sign-out ends the session on the server.
	env.do("POST", "/admin/logout", ck.Value, url.Values{}).redirects(t, "/admin/login")
	env.do("GET", "/admin/me", ck.Value, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme")
}

func TestSessionCookieNotSecureOverHTTP(t *testing.T) {
	env := newAdminEnv(t, func(o *Options) { o.BaseURL = "http://localhost:8080" })
	r := env.do("POST", "/admin/login", "", login("vera", password("vera")), "Origin", "http://localhost:8080")
	if ck := r.cookie(); ck == nil || ck.Secure {
		t.Fatalf("over http the cookie cannot be Secure: %+v", ck)
	}
}

func TestSessionExpiry(t *testing.T) {
	env := newAdminEnv(t, func(o *Options) { o.SessionIdle = time.Hour; o.SessionMaxLife = 3 * time.Hour })
	tok := env.do("POST", "/admin/login", "", login("eddy", password("eddy"))).cookie().Value
	// Idle: used every 50 minutes it lives on, up to its absolute end.
	for i := 0; i < 3; i++ {
		env.advance(50 * time.Minute)
		env.do("GET", "/admin/me", tok, nil).must(t, 200)
	}
	env.advance(40 * time.Minute) // 3 h 10 after sign-in
	env.do("GET", "/admin/me", tok, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme")
	// Unused for longer than the idle time, it ends.
	tok = env.do("POST", "/admin/login", "", login("eddy", password("eddy"))).cookie().Value
	env.advance(61 * time.Minute)
	env.do("GET", "/admin/me", tok, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme")
	// The cleanup removes what can no longer be used.
	n, err := env.s.DeleteExpiredSessions(context.Background(), env.clock(), time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("cleanup removed %d (%v), want 2", n, err)
	}
}

func TestSignOutEverywhere(t *testing.T) {
	env := newAdminEnv(t)
	a, b := env.session("olga"), env.session("olga")
	other := env.session("eddy")
	env.do("GET", "/admin/me", a, nil).must(t, 200, "2 sessions ouvertes")
	env.do("POST", "/admin/logout/everywhere", b, url.Values{}).redirects(t, "/admin/login")
	env.do("GET", "/admin/me", a, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme")
	env.do("GET", "/admin/me", b, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme")
	env.do("GET", "/admin/me", other, nil).must(t, 200, "1 session ouverte")
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("olga")
	before := env.snapshot()
	env.do("POST", "/admin/me/app-passwords", tok, url.Values{"name": {"phone"}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example").
		must(t, 403, "vient d&#39;un autre site")
	// An older browser without Sec-Fetch-Site: the Origin decides.
	env.do("POST", "/admin/me/app-passwords", tok, url.Values{"name": {"phone"}}, "Sec-Fetch-Site", "", "Origin", "https://evil.example").must(t, 403)
	env.do("POST", "/admin/login", "", login("olga", password("olga")), "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example").must(t, 403)
	if env.snapshot() != before {
		t.Fatal("a cross-origin POST changed the store")
	}
	env.do("POST", "/admin/me/app-passwords", tok, url.Values{"name": {"phone"}}).must(t, 201)
}

func TestWrongPasswordsAreThrottledWithTheSharedThrottle(t *testing.T) {
	env := newAdminEnv(t)
	for i := 0; i < 5; i++ {
		env.do("POST", "/admin/login", "", login("olga", "guess "+strconv.Itoa(i))).must(t, 401)
	}
	// The address is blocked, even with the right password; the page says for how long.
	env.do("POST", "/admin/login", "", login("olga", password("olga"))).must(t, 429, "Trop d&#39;essais manqués\u00a0: réessayez dans 10 minutes.")
	// The throttle handed in (the one CalDAV gets too) counted them.
	if w := env.throttle.Wait(env.clock(), "anyone", "192.0.2.10"); w <= 0 {
		t.Fatal("the shared throttle does not block the address")
	}
	env.advance(11 * time.Minute)
	env.do("POST", "/admin/login", "", login("olga", password("olga"))).redirects(t, "/admin")
}

func mustHash(t *testing.T, p string) string {
	t.Helper()
	h, err := db.HashPassword(p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestInvitation(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	olga := env.session("olga")
	amis := strconv.FormatInt(env.assocs["amis"].ID, 10)
	// The form offers only the associations olga owns.
	env.do("GET", "/admin/invitations/new", olga, nil).must(t, 200, "Les amis").lacks(t, "Les autre", "Aucune (compte seul)")
	// Errors are said next to each field, with what was typed.
	env.do("POST", "/admin/invitations", olga, url.Values{"association": {amis}, "role": {"boss"}, "username": {"Marie Curie"}, "days": {"90"}}).
		must(t, 422, "Le formulaire contient des erreurs\u00a0: corrigez", "Choisissez un rôle", "Un nom d&#39;utilisateur a de 1 à 64", `value="Marie Curie"`, "entre 1 et 30", `value="90"`)
	env.do("POST", "/admin/invitations", olga, url.Values{"association": {amis}, "role": {"editor"}, "username": {"eddy"}}).must(t, 422, "déjà pris")
	// Without a mail server, an address cannot be used; a bad one is said so.
	env.do("POST", "/admin/invitations", olga, url.Values{"association": {amis}, "role": {"editor"}, "email": {"marie@example.org"}}).
		must(t, 422, "Aucun serveur de courriel n&#39;est configuré")
	env.do("POST", "/admin/invitations", olga, url.Values{"association": {amis}, "role": {"editor"}, "email": {"Marie <marie@example.org>\r\nBcc: x@y"}}).
		must(t, 422, "Indiquez une adresse de courriel seule")
	r := env.do("POST", "/admin/invitations", olga, url.Values{"association": {amis}, "role": {"editor"}, "username": {"marie"}, "days": {"2"}}).
		must(t, 201, "Lien d&#39;invitation créé", "avec le rôle «\u00a0rédaction\u00a0»")
	link := linkIn(t, r)
	env.do("GET", link, "", nil).must(t, 200, `value="marie"`, "Vous rejoindrez «\u00a0Les amis\u00a0»")
	// A bad form saves nothing and keeps the link usable.
	before := env.snapshot()
	env.do("POST", link, "", url.Values{"username": {"marie"}, "display_name": {"Marie"}, "password": {"short"}, "confirm": {"short"}}).
		must(t, 422, "au moins 8 caractères", `value="Marie"`).lacks(t, `value="short"`)
	env.do("POST", link, "", url.Values{"username": {"marie"}, "password": {"long enough 1"}, "confirm": {"long enough 2"}}).must(t, 422, "ne sont pas identiques")
	env.do("POST", link, "", url.Values{"username": {"olga"}, "password": {"long enough"}, "confirm": {"long enough"}}).must(t, 422, "déjà pris")
	if env.snapshot() != before {
		t.Fatal("a refused account form changed the store")
	}
	// The invited person keeps or changes the username, and is signed in.
	r = env.do("POST", link, "", url.Values{"username": {"marie.c"}, "display_name": {"Marie"}, "password": {"long enough"}, "confirm": {"long enough"}}).
		redirects(t, "/admin/me")
	env.do("GET", "/admin/me", r.cookie().Value, nil).must(t, 200, "marie.c", "Les amis", "rédaction")
	u, err := env.s.GetUserByUsername(ctx, "marie.c")
	if err != nil {
		t.Fatal(err)
	}
	if role, err := env.s.GetRole(ctx, u.ID, env.assocs["amis"].ID); err != nil || role != model.RoleEditor {
		t.Fatalf("role %q %v", role, err)
	}
	// Single use.
	env.do("GET", link, "", nil).must(t, 410, "Ce lien n&#39;est plus valable")
	env.do("POST", link, "", url.Values{"username": {"again"}, "password": {"long enough"}, "confirm": {"long enough"}}).must(t, 410)
	// Expiring.
	link = linkIn(t, env.do("POST", "/admin/invitations", olga, url.Values{"association": {amis}, "role": {"viewer"}, "days": {"1"}}).must(t, 201))
	env.advance(25 * time.Hour)
	env.do("GET", link, "", nil).must(t, 410)
	env.do("POST", link, "", url.Values{"username": {"late"}, "password": {"long enough"}, "confirm": {"long enough"}}).must(t, 410)
	if _, err := env.s.GetUserByUsername(ctx, "late"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("an expired link made an account: %v", err)
	}
	// The admin may invite without association.
	r = env.do("POST", "/admin/invitations", env.session("admin"), url.Values{"association": {""}, "days": {"3"}}).must(t, 201)
	env.do("GET", linkIn(t, r), "", nil).must(t, 200).lacks(t, "Vous rejoindrez")
}

func TestPasswordResetAndChange(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	eddy := env.session("eddy")
	r := env.do("POST", "/admin/users/"+strconv.FormatInt(env.users["eddy"].ID, 10)+"/reset", env.session("admin"), url.Values{}).
		must(t, 201, "Lien de réinitialisation créé", "eddy")
	link := linkIn(t, r)
	env.do("GET", link, "", nil).must(t, 200, "«\u00a0eddy\u00a0»")
	env.do("POST", link, "", url.Values{"password": {"new password"}, "confirm": {"other"}}).must(t, 422, "ne sont pas identiques")
	r = env.do("POST", link, "", url.Values{"password": {"new password"}, "confirm": {"new password"}}).redirects(t, "/admin/me")
	env.do("GET", "/admin/me", eddy, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme") // old sessions ended
	env.do("POST", link, "", url.Values{"password": {"third password"}, "confirm": {"third password"}}).must(t, 410)
	if _, err := env.s.CheckAccountPassword(ctx, "eddy", "new password"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	// Changing one's password needs the current one, and ends the other sessions.
	cur := r.cookie().Value
	other := env.session("eddy")
	env.do("POST", "/admin/me/password", cur, url.Values{"current": {password("eddy")}, "password": {"changed pass"}, "confirm": {"changed pass"}}).
		must(t, 422, "Ce n&#39;est pas votre mot de passe actuel.")
	env.do("POST", "/admin/me/password", cur, url.Values{"current": {"new password"}, "password": {"changed pass"}, "confirm": {"changed pass"}}).
		must(t, 200, "Votre mot de passe est changé.")
	env.do("GET", "/admin/me", cur, nil).must(t, 200)
	env.do("GET", "/admin/me", other, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme")
	if _, err := env.s.CheckAccountPassword(ctx, "eddy", "new password"); !errors.Is(err, db.ErrBadCredentials) {
		t.Fatalf("the old password still works: %v", err)
	}
}

func TestDisableAccount(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	admin, vera := env.session("admin"), env.session("vera")
	id := strconv.FormatInt(env.users["vera"].ID, 10)
	if err := env.s.AddAppPassword(ctx, &model.AppPassword{UserID: env.users["vera"].ID, Name: "phone", Hash: mustHash(t, "vera app password")}); err != nil {
		t.Fatal(err)
	}
	env.do("POST", "/admin/users/"+id+"/disable", admin, url.Values{}).redirects(t, "/admin/users")
	env.do("GET", "/admin/me", vera, nil).redirects(t, "/admin/login?next=%2Fadmin%2Fme")
	env.do("POST", "/admin/login", "", login("vera", password("vera"))).must(t, 401)
	if _, err := env.s.CheckUserPassword(ctx, "vera", "vera app password"); !errors.Is(err, db.ErrBadCredentials) {
		t.Fatalf("a disabled account's app password works: %v", err)
	}
	env.do("GET", "/admin/users", admin, nil).must(t, 200, "désactivé", "Réactiver")
	env.do("POST", "/admin/users/"+strconv.FormatInt(env.users["admin"].ID, 10)+"/disable", admin, url.Values{}).must(t, 409, "votre propre compte")
	env.do("POST", "/admin/users/999/disable", admin, url.Values{}).must(t, 404)
	env.do("POST", "/admin/users/"+id+"/enable", admin, url.Values{}).redirects(t, "/admin/users")
	env.do("POST", "/admin/login", "", login("vera", password("vera"))).redirects(t, "/admin")
}

func TestAppPasswordsPage(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	tok := env.session("eddy")
	env.do("POST", "/admin/me/app-passwords", tok, url.Values{"name": {""}}).must(t, 422, "Indiquez un nom.")
	env.do("POST", "/admin/me/app-passwords", tok, url.Values{"name": {strings.Repeat("é", 201)}}).must(t, 422, "au plus 200 caractères")
	r := env.do("POST", "/admin/me/app-passwords", tok, url.Values{"name": {"Téléphone"}}).must(t, 201, "Mot de passe pour «\u00a0Téléphone\u00a0»", "plus jamais affiché")
	i := strings.Index(r.Body.String(), `id="new-app-password">`)
	pass := r.Body.String()[i+len(`id="new-app-password">`):]
	pass = pass[:strings.Index(pass, "<")]
	if len(pass) != 27 {
		t.Fatalf("app password %q", pass)
	}
	if _, err := env.s.CheckUserPassword(ctx, "eddy", pass); err != nil {
		t.Fatalf("the new app password does not open CalDAV: %v", err)
	}
	// Shown once: the list has the name, never the password.
	env.do("GET", "/admin/me/app-passwords", tok, nil).must(t, 200, "Téléphone").lacks(t, pass)
	env.do("POST", "/admin/me/app-passwords", tok, url.Values{"name": {"Téléphone"}}).must(t, 422, "déjà un mot de passe d&#39;application de ce nom")
	env.do("POST", "/admin/me/app-passwords/revoke", tok, url.Values{"name": {"Téléphone"}}).redirects(t, "/admin/me/app-passwords")
	if _, err := env.s.CheckUserPassword(ctx, "eddy", pass); !errors.Is(err, db.ErrBadCredentials) {
		t.Fatalf("a revoked app password works: %v", err)
	}
	env.do("POST", "/admin/me/app-passwords/revoke", tok, url.Values{"name": {"Téléphone"}}).must(t, 404, "n&#39;existe pas")
	// A body over the bound is refused before anything is read into the store.
	env.do("POST", "/admin/me/app-passwords", tok, url.Values{"name": {strings.Repeat("x", 70000)}}).must(t, 413)
}

func TestConnectPage(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	tok := env.session("eddy")
	r := env.do("GET", "/admin/me/connect", tok, nil).must(t, 200,
		`id="server-url">https://agenda.test/dav/<`, `id="dav-username">eddy<`,
		"Thunderbird", "DAVx5", "Apple", "Evolution", "vdirsyncer",
		`status_path = &#34;~/.local/share/vdirsyncer/status/&#34;`, `url = &#34;https://agenda.test/dav/&#34;`,
		`href="webcal://agenda.test/feeds/agenda.ics?association=amis"`)
	r.lacks(t, "association=autre")
	r = env.do("POST", "/admin/me/connect/apple", tok, url.Values{"name": {"iPhone de Eddy"}}).must(t, 200, "com.apple.caldav.account")
	if ct := r.Header().Get("Content-Type"); ct != "application/x-apple-aspen-config" {
		t.Fatalf("content type %q", ct)
	}
	var plist struct {
		Dict struct {
			Array struct {
				Dict struct {
					Inner []string `xml:",any"`
				} `xml:"dict"`
			} `xml:"array"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(r.Body.Bytes(), &plist); err != nil {
		t.Fatalf("the profile is not XML: %v", err)
	}
	kv := map[string]string{}
	in := plist.Dict.Array.Dict.Inner
	for i := 0; i+1 < len(in); i += 2 {
		kv[in[i]] = in[i+1]
	}
	if kv["CalDAVHostName"] != "agenda.test" || kv["CalDAVUsername"] != "eddy" || kv["PayloadType"] != "com.apple.caldav.account" || kv["CalDAVPrincipalURL"] != "/dav/" {
		t.Fatalf("profile payload %v", kv)
	}
	if _, err := env.s.CheckUserPassword(ctx, "eddy", kv["CalDAVPassword"]); err != nil {
		t.Fatalf("the profile's password does not open CalDAV: %v", err)
	}
	env.do("GET", "/admin/me/app-passwords", tok, nil).must(t, 200, "iPhone de Eddy")
}

// French typography in the back office's messages: a no-break space
// before : ; ? ! and inside « ».
func TestAdminFrenchTypography(t *testing.T) {
	all := map[string]message{}
	for _, cat := range []map[string]message{adminMessages, eventMessages} {
		for k, m := range cat {
			all[k] = m
		}
	}
	for k, m := range all {
		s := m.fr
		for i, r := range s {
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			switch r {
			case ':', ';', '?', '!', '»':
				if i > 0 && prev != '\u00a0' && prev != '\u202f' && !(r == ':' && strings.HasPrefix(s[i:], "://")) {
					t.Errorf("%s: no no-break space before %q in %q", k, r, s)
				}
			case '«':
				if next != '\u00a0' && next != '\u202f' {
					t.Errorf("%s: no no-break space after « in %q", k, s)
				}
			}
		}
	}
}

// Every back-office page, in both languages, with no message missing from
// the catalogue (tr shows a missing key as "[key]").
func TestAdminPagesInBothLanguages(t *testing.T) {
	env := newAdminEnv(t)
	admin := env.session("admin")
	for _, st := range []string{db.FollowPending, db.FollowAccepted, db.FollowRejected} {
		env.follower("amis", "https://mz.example/@"+st, st)
	}
	halle := env.place("amis", "Halle", "47001")
	join := env.link(&model.AccountLink{Kind: model.LinkInvite, AssociationID: env.assocs["amis"].ID, Role: model.RoleEditor})
	reset := env.link(&model.AccountLink{Kind: model.LinkReset, UserID: env.users["vera"].ID})
	for _, lang := range []string{"fr", "en"} {
		for _, p := range []struct{ path, token string }{
			{"/admin/login", ""}, {"/admin/join/" + join, ""}, {"/admin/reset/" + reset, ""}, {"/admin/join/gone", ""},
			{"/admin/me", admin}, {"/admin/me/password", admin}, {"/admin/me/app-passwords", admin},
			{"/admin/me/connect", admin}, {"/admin/invitations/new", admin}, {"/admin/users", admin},
			// An association's own pages.
			{"/admin/associations/amis/edit", admin}, {"/admin/associations/amis/members", admin},
			{"/admin/associations/amis/calendars", admin}, {"/admin/associations/amis/calendars/new", admin},
			{"/admin/associations/amis/calendars/main/edit", admin}, {"/admin/associations/amis/followers", admin},
			{"/admin/associations/amis/places", admin}, {"/admin/associations/amis/places/new", admin},
			{"/admin/associations/amis/places/" + halle + "/edit", admin},
		} {
			r := env.do("GET", p.path+"?lang="+lang, p.token, nil)
			if r.Code != 200 && r.Code != 410 {
				t.Fatalf("%s in %s: %d", p.path, lang, r.Code)
			}
			r.lacks(t, "[admin.", "[form.", "[role.", "[error.")
			if !strings.Contains(r.Body.String(), `<html lang="`+lang+`">`) {
				t.Fatalf("%s is not in %s", p.path, lang)
			}
		}
	}
	env.do("POST", "/admin/invitations?lang=en", admin, url.Values{"role": {"x"}, "association": {"1"}}).must(t, 422, "Choose a role: owner, editor or viewer.")
}
