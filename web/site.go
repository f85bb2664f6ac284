package web

import (
	"context"
	"html/template"
	"strconv"
	"sync"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical/markup"
)

// site is what every page, feed and the back office show of the instance
// itself: the admin's settings (model.InstanceSettings), with the
// defaults of the page's language where they set nothing.
type site struct {
	Name        string
	Description string
	// OwnDescription: the description is the admin's, not the default.
	OwnDescription bool
	Contact        string
	ContactHref    string
	Logo           string // the logo's path, "" for none
	Footer         template.HTML
}

// siteCache keeps the settings between two updates: every page reads
// them, and only the settings page changes them (siteChanged, at once).
// gen counts the updates; the response cache's keys include it, so that
// no page built with the old settings is served after an update.
type siteCache struct {
	mu     sync.Mutex
	st     *model.InstanceSettings
	footer template.HTML
	gen    uint64
}

// settings returns the instance's settings, the footer rendered, and the
// generation they belong to.
func (a *app) settings(ctx context.Context) (*model.InstanceSettings, template.HTML, uint64, error) {
	a.siteCache.mu.Lock()
	defer a.siteCache.mu.Unlock()
	if a.siteCache.st == nil {
		st, err := a.store.InstanceSettings(ctx)
		if err != nil {
			return nil, "", 0, err
		}
		a.siteCache.st = st
		a.siteCache.footer = template.HTML(markup.HTML(st.Footer))
	}
	return a.siteCache.st, a.siteCache.footer, a.siteCache.gen, nil
}

// siteChanged drops the kept settings after an update.
func (a *app) siteChanged() {
	a.siteCache.mu.Lock()
	a.siteCache.st = nil
	a.siteCache.gen++
	a.siteCache.mu.Unlock()
}

// siteGen is the settings' generation, for the response cache's keys.
func (a *app) siteGen() string {
	a.siteCache.mu.Lock()
	defer a.siteCache.mu.Unlock()
	return strconv.FormatUint(a.siteCache.gen, 36)
}

// site returns what pages show of the instance in lang. A store error is
// logged and the defaults shown: a page should not fail for its footer.
func (a *app) site(ctx context.Context, lang string) site {
	st, footer, _, err := a.settings(ctx)
	if err != nil {
		a.logger.ErrorContext(ctx, "instance settings", "err", err)
		st = model.DefaultInstanceSettings()
	}
	s := site{Name: st.Name, Description: st.Description, Contact: st.Contact,
		ContactHref: model.ContactHref(st.Contact), Logo: imagePath(st.LogoSHA256), Footer: footer}
	s.OwnDescription = s.Description != ""
	if !s.OwnDescription {
		s.Description = tr(lang, "site.tagline")
	}
	if st.Footer == "" {
		s.Footer = template.HTML(template.HTMLEscapeString(tr(lang, "footer.text")))
	}
	return s
}
