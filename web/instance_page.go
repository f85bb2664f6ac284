package web

import (
	"context"
	"embed"
	"errors"

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
