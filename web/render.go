package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/url"

	"github.com/labstack/echo/v4"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages lists every page template; each is parsed with the layout at boot,
// and New panics if one is missing or does not parse.
var pages = []string{"agenda", "event", "association", "error", "page"}

// standalone templates have their own layout.
var standalone = []string{"embed"}

type renderer struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"t":     func(lang, key string, args ...any) string { return tr(lang, key, args...) },
	"tn":    trn,
	"asset": assetPath,
	"pair":  func(lang string, v any) pairData { return pairData{Lang: lang, V: v} },
}

// pairData passes the language with a value to a sub-template.
type pairData struct {
	Lang string
	V    any
}

func parseTemplates(pages, standalone []string) (*renderer, error) {
	r := &renderer{pages: map[string]*template.Template{}}
	for _, p := range pages {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+p+".html")
		if err != nil {
			return nil, err
		}
		r.pages[p] = t
	}
	for _, p := range standalone {
		t, err := template.New(p+".html").Funcs(funcs).ParseFS(templateFS, "templates/"+p+".html")
		if err != nil {
			return nil, err
		}
		r.pages[p] = t
	}
	return r, nil
}

func mustTemplates() *renderer {
	r, err := parseTemplates(pages, standalone)
	if err != nil {
		panic("web: templates: " + err.Error())
	}
	return r
}

// render executes a page into a buffer, so that a template error becomes a
// clean 500 instead of half a page.
func (a *app) render(name string, data any) ([]byte, error) {
	t, ok := a.tmpl.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	var buf bytes.Buffer
	root := "layout.html"
	for _, s := range standalone {
		if s == name {
			root = name + ".html"
		}
	}
	if err := t.ExecuteTemplate(&buf, root, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// link is an alternate or subscription link.
type link struct {
	Href  string
	Type  string
	Title string
}

// base is what the layout needs on every page.
type base struct {
	Lang        string
	Title       string
	Description string
	Canonical   string
	LangSwitch  string
	OtherLang   string
	Alternates  []link
	NoIndex     bool
	Path        string
	// SourceURL is where the source code of this instance is (the footer
	// links to it: AGPL-3.0 §13).
	SourceURL string
	// Site is the instance's name, description, contact, logo and footer.
	Site site
}

// base builds the layout data of a page at path with its canonical query
// (not the raw one: cached pages must not depend on stray parameters).
func (a *app) baseFor(c echo.Context, title, path string, canon url.Values) base {
	lang := langOf(c)
	other := langEN
	if lang == langEN {
		other = langFR
	}
	next := withQuery(path, canon)
	return base{
		Lang:       lang,
		Title:      title,
		OtherLang:  other,
		LangSwitch: "/lang/" + other + "?" + url.Values{"next": {localPath(next)}}.Encode(),
		Canonical:  a.opts.BaseURL + next,
		Path:       path,
		SourceURL:  a.opts.SourceURL,
		Site:       a.site(c.Request().Context(), lang),
	}
}

func (a *app) base(c echo.Context, title string) base {
	return a.baseFor(c, title, c.Request().URL.Path, nil)
}
