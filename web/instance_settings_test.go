package web

import (
	"context"
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The admin's settings (name, description, contact, logo, footer) show on
// every public page, the feeds and the back office as soon as they are
// saved, even on pages the response cache already holds.
func TestInstanceSettings(t *testing.T) {
	env := newAdminEnv(t)
	admin := env.session("admin")
	get := func(path string) result { return env.do(http.MethodGet, path, "", nil) }

	// The defaults, and the agenda now in the response cache.
	get("/").must(t, http.StatusOK, "<title>", " · Bastide</title>", "l&#39;agenda des associations du Lot-et-Garonne",
		"Bastide est un logiciel libre").lacks(t, "footer-contact")
	get("/feeds/agenda.rss").must(t, http.StatusOK)
	env.do(http.MethodGet, "/admin/instance", admin, nil).must(t, http.StatusOK, `href="/admin/instance/settings"`)
	env.do(http.MethodGet, "/admin/instance/settings", admin, nil).
		must(t, http.StatusOK, "<h1>Réglages de l&#39;instance</h1>", `value="Bastide"`, `enctype="multipart/form-data"`, `aria-current="page">Réglages`)

	env.doMultipart("/admin/instance/settings", admin, map[string]string{
		"name": "Agenda 47", "description": "Les associations de l'Agenais", "contact": "contact@agenda47.fr",
		"footer": "Hébergé par *Les Amis du Net* — [nous écrire](https://agenda47.fr/contact) <script>alert(1)</script>",
	}, "logo", photo(t, 300, 200)).redirects(t, "/admin/instance/settings?saved=1")

	page := get("/").must(t, http.StatusOK, " · Agenda 47</title>", `<meta name="description" content="Les associations de l&#39;Agenais">`,
		`<span class="tagline">Les associations de l&#39;Agenais</span>`, "<em>Les Amis du Net</em>",
		`<a href="https://agenda47.fr/contact" rel="nofollow">nous écrire</a>`,
		`<a href="mailto:contact@agenda47.fr">contact@agenda47.fr</a>`).
		lacks(t, " · Bastide</title>", "Bastide est un logiciel libre", "<script>alert(1)")
	logo := regexp.MustCompile(`<img class="brand-logo" src="(/images/[0-9a-f]{64})"`).FindStringSubmatch(page.Body.String())
	if logo == nil {
		t.Fatalf("no logo in the header\n%s", cutBody(page.Body.String()))
	}
	img := get(logo[1]).must(t, http.StatusOK)
	if ct := img.Header().Get("Content-Type"); ct != "image/jpeg" && ct != "image/png" {
		t.Errorf("logo served as %q", ct)
	}
	if strings.Contains(img.Body.String(), "GPS") {
		t.Error("the logo kept its metadata")
	}
	for _, p := range []string{"/mentions-legales", "/@amis", "/admin/login"} {
		get(p).must(t, http.StatusOK, " · Agenda 47</title>", logo[1], "<em>Les Amis du Net</em>")
	}
	env.do(http.MethodGet, "/admin/me", admin, nil).must(t, http.StatusOK, " · Agenda 47</title>", "<em>Les Amis du Net</em>")
	// The default mentions légales take the contact in their blanks.
	get("/mentions-legales").must(t, http.StatusOK, `Adresse de contact : <a href="mailto:contact@agenda47.fr" rel="nofollow">contact@agenda47.fr</a>`).
		lacks(t, contactBlank)

	var rss rssDoc
	if err := xml.Unmarshal(get("/feeds/agenda.rss").Body.Bytes(), &rss); err != nil {
		t.Fatal(err)
	}
	if rss.Channel.Title != "Agenda 47 — Les associations de l'Agenais" || rss.Channel.Description != "Les associations de l'Agenais" {
		t.Errorf("rss channel %q / %q", rss.Channel.Title, rss.Channel.Description)
	}
	get("/feeds/agenda.atom").must(t, http.StatusOK, "<name>Agenda 47</name>")
	get("/feeds/agenda.ics").must(t, http.StatusOK, "X-WR-CALNAME:Agenda 47 — Les associations de l'Agenais")

	// Saving again without a file keeps the logo; "remove" removes it.
	env.doMultipart("/admin/instance/settings", admin, map[string]string{"name": "Agenda 47"}, "", nil).
		redirects(t, "/admin/instance/settings?saved=1")
	get("/").must(t, http.StatusOK, logo[1], "Bastide est un logiciel libre").lacks(t, "footer-contact")
	env.doMultipart("/admin/instance/settings", admin, map[string]string{"name": "Agenda 47", "remove_logo": "on"}, "", nil).
		redirects(t, "/admin/instance/settings?saved=1")
	get("/").must(t, http.StatusOK, `class="brand-mark"`).lacks(t, "brand-logo")
	if st, _ := env.s.InstanceSettings(context.Background()); st.LogoSHA256 != "" || st.Name != "Agenda 47" {
		t.Errorf("settings %+v", st)
	}
}

// Bad input: the form again, the error next to its field, what was typed
// kept, and nothing saved (neither the settings nor an image).
func TestInstanceSettingsRefusesBadInput(t *testing.T) {
	env := newAdminEnv(t)
	admin := env.session("admin")
	png100MP, polyglot := hostilePictures(t)
	ok := map[string]string{"name": "Agenda 47", "description": "Une phrase", "footer": "Un *pied*"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, c := range []struct {
		name   string
		fields map[string]string
		logo   []byte
		code   int
		want   []string
	}{
		{"no name", with("name", "  "), nil, 422, []string{`id="name-err"`, "Indiquez un nom.", `Une phrase</textarea>`, `Un *pied*</textarea>`}},
		{"long name", with("name", strings.Repeat("n", 81)), nil, 422, []string{`id="name-err"`, "au plus 80 caractères"}},
		{"contact", with("contact", "javascript:alert(1)"), nil, 422, []string{`id="contact-err"`, "adresse de courriel seule", `value="javascript:alert(1)"`, `value="Agenda 47"`}},
		{"description", with("description", strings.Repeat("d", 301)), nil, 422, []string{`id="description-err"`, "au plus 300"}},
		{"footer", with("footer", strings.Repeat("f", 2001)), nil, 422, []string{`id="footer-err"`, "au plus 2000"}},
		{"svg logo", ok, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 422,
			[]string{`id="logo-err"`, "pas une image PNG, JPEG, GIF ou WebP", `value="Agenda 47"`, `Un *pied*</textarea>`}},
		{"polyglot logo", ok, polyglot, 422, []string{`id="logo-err"`, "autre chose après l&#39;image"}},
		{"100 megapixels", ok, png100MP, 422, []string{`id="logo-err"`, "dépasse 40 mégapixels"}},
		{"over 5 MiB", ok, make([]byte, maxInstanceLogoBytes+maxForm+1), 413, []string{`id="logo-err"`, "dépasse 5 Mio", `value="Bastide"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := env.snapshot()
			file := ""
			if c.logo != nil {
				file = "logo"
			}
			env.doMultipart("/admin/instance/settings", admin, c.fields, file, c.logo).must(t, c.code, c.want...)
			if after := env.snapshot(); after != before {
				t.Fatalf("a refused form changed the store:\n%s\n%s", before, after)
			}
		})
	}
	env.do(http.MethodGet, "/", "", nil).must(t, http.StatusOK, " · Bastide</title>")
}
