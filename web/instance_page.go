package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"github.com/bastide47/bastide/db"
)

// The instance's own pages, public at /SLUG and linked from every page's
// footer; the admin edits their Markdown, and pages/SLUG.md is the default
// text, which says what to fill in.
var instancePages = []string{"mentions-legales", "confidentialite", "accessibilite", "charte"}

//go:embed pages/*.md
var pageDefaults embed.FS

// maxPageBody bounds the Markdown of one page (and so the work of
// rendering it).
const maxPageBody = 16 << 10

func isInstancePage(slug string) bool {
	for _, p := range instancePages {
		if p == slug {
			return true
		}
	}
	return false
}

// pageSource returns the Markdown of a page: the admin's, else the default
// (custom tells which).
func (a *app) pageSource(ctx context.Context, slug string) (src string, custom bool, err error) {
	p, err := a.store.GetInstancePage(ctx, slug)
	if err == nil {
		return p.Body, true, nil
	}
	if !errors.Is(err, db.ErrNotFound) {
		return "", false, err
	}
	b, err := pageDefaults.ReadFile("pages/" + slug + ".md")
	return string(b), false, err
}

// markdownPolicy keeps what Markdown makes (headings, lists, links,
// emphasis, tables, code) and nothing that runs.
var markdownPolicy = bluemonday.UGCPolicy()

// renderMarkdown turns the admin's Markdown into safe HTML: goldmark
// leaves raw HTML out, and bluemonday sanitises what remains.
func renderMarkdown(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return template.HTML(markdownPolicy.SanitizeBytes(buf.Bytes())), nil
}
