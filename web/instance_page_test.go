package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every page links the instance's own pages; each shows its default text
// until the admin writes theirs, in Markdown, sanitised.
func TestInstancePages(t *testing.T) {
	env := newAdminEnv(t)
	admin := env.session("admin")
	env.do(http.MethodGet, "/", "", nil).must(t, http.StatusOK, `href="/mentions-legales"`, `href="/confidentialite"`,
		`href="/accessibilite"`, `href="/charte"`)
	env.do(http.MethodGet, "/mentions-legales", "", nil).must(t, http.StatusOK, "<h1>Mentions légales</h1>", "[Nom du collectif")
	env.do(http.MethodGet, "/confidentialite", "", nil).must(t, http.StatusOK, "Politique de confidentialité", "CNIL")
	env.do(http.MethodGet, "/accessibilite", "", nil).must(t, http.StatusOK, "Déclaration d&#39;accessibilité", "RGAA")
	env.do(http.MethodGet, "/charte", "", nil).must(t, http.StatusOK, "Charte du collectif")

	env.do(http.MethodGet, "/admin/instance/pages/charte", admin, nil).must(t, http.StatusOK, "encore le modèle", "\"># Charte du collectif")
	text := "# Notre charte\n\nDes **événements** ouverts à tous. [Contact](mailto:bureau@example.org)\n\n<script>alert(1)</script>\n\n<a href=\"javascript:alert(2)\">x</a> [y](javascript:alert(3))"
	env.do(http.MethodPost, "/admin/instance/pages/charte", admin, url.Values{"body": {text}}).redirects(t, "/charte")
	res := env.do(http.MethodGet, "/charte", "", nil).must(t, http.StatusOK, "<h1>Notre charte</h1>", "<strong>événements</strong>",
		`href="mailto:bureau@example.org"`)
	// Raw HTML shows as text (markup); no link leads to javascript:.
	res.lacks(t, "<script>alert", `href="javascript`, "Charte du collectif")
	env.do(http.MethodGet, "/admin/instance/pages/charte", admin, nil).must(t, http.StatusOK, "# Notre charte").lacks(t, "encore le modèle")

	// Too long: refused next to the field, the saved text kept.
	env.do(http.MethodPost, "/admin/instance/pages/charte", admin, url.Values{"body": {strings.Repeat("a", maxPageBody+1)}}).
		must(t, http.StatusUnprocessableEntity, `id="body-err"`)
	env.do(http.MethodGet, "/charte", "", nil).must(t, http.StatusOK, "Notre charte")
	// Empty: the default comes back.
	env.do(http.MethodPost, "/admin/instance/pages/charte", admin, url.Values{"body": {"  "}}).redirects(t, "/charte")
	env.do(http.MethodGet, "/charte", "", nil).must(t, http.StatusOK, "Charte du collectif")
	env.do(http.MethodGet, "/admin/instance/pages/nope", admin, nil).must(t, http.StatusNotFound)
	env.do(http.MethodPost, "/admin/instance/pages/nope", admin, url.Values{"body": {"x"}}).must(t, http.StatusNotFound)
}
