package web

import (
	"embed"
	"html/template"
	"io"

	"github.com/labstack/echo/v4"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages lists every page template; each is parsed with the layout at boot.
var pages = []string{"agenda"}

type renderer struct {
	pages map[string]*template.Template
}

func mustTemplates() *renderer {
	r := &renderer{pages: map[string]*template.Template{}}
	for _, p := range pages {
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+p+".html"))
		r.pages[p] = t
	}
	return r
}

var funcs = template.FuncMap{}

// Render executes the named page with the layout.
func (r *renderer) Render(w io.Writer, name string, data any, _ echo.Context) error {
	t, ok := r.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	return t.ExecuteTemplate(w, "layout.html", data)
}
