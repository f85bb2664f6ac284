package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
)

// state is what a response is built from: the change log position and the
// agenda's "now", the current hour (so that a page is the same for a whole
// hour unless something changes, which makes ETags stable).
type state struct {
	Seq  int64
	At   time.Time
	Now  time.Time
	Lang string
	// Site is the instance's settings as the page's language shows them.
	Site site
}

type builder func(ctx context.Context, st state) (*cached, error)

// respond serves a cacheable GET: the entry for key is rebuilt when the
// change log moves, the hour turns or the entry is older than cacheTTL. It
// answers 304 to a matching If-None-Match or a recent enough
// If-Modified-Since.
func (a *app) respond(c echo.Context, key, cacheControl string, build builder) error {
	ctx := c.Request().Context()
	seq, at, err := a.store.LastChange(ctx)
	if err != nil {
		return err
	}
	now := a.opts.Now()
	hourStart := now.Truncate(time.Hour)
	lang := langOf(c)
	// The settings' generation: an update of the instance's name or
	// footer shows at once on every cached page.
	key = lang + " " + a.siteGen() + " " + key
	e := a.cache.get(key, seq, hourStart.Unix(), now)
	if e == nil {
		e, err = build(ctx, state{Seq: seq, At: at, Now: hourStart, Lang: lang, Site: a.site(ctx, lang)})
		if err != nil {
			return err
		}
		if e.status == 0 {
			e.status = http.StatusOK
		}
		e.seq, e.hour, e.at = seq, hourStart.Unix(), now
		e.etag = etagOf(e.body)
		e.lastMod = hourStart
		if at.After(hourStart) {
			e.lastMod = at
		}
		if a.opts.CacheDisabled {
			// Benchmarks measure the render itself.
		} else if e.status == http.StatusOK {
			a.cache.put(key, e)
		}
	}
	h := c.Response().Header()
	for k, v := range e.extra {
		h.Set(k, v)
	}
	h.Set("ETag", e.etag)
	h.Set("Last-Modified", e.lastMod.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", cacheControl)
	if e.status == http.StatusOK && notModified(c.Request(), e) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(e.status, e.ctype, e.body)
}

func notModified(r *http.Request, e *cached) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == e.etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !e.lastMod.Truncate(time.Second).After(t) {
			return true
		}
	}
	return false
}

func htmlEntry(body []byte) *cached {
	return &cached{ctype: "text/html; charset=utf-8", body: body}
}

// memo keeps the associations list and the category choices for a short
// while: they feed every agenda page's filter form.
type memo struct {
	mu       sync.Mutex
	assocs   []*model.Association
	assocsAt time.Time
	cats     []string
	catsSeq  int64
	catsHour int64
}

func (a *app) associations() ([]*model.Association, error) {
	a.memo.mu.Lock()
	defer a.memo.mu.Unlock()
	if a.memo.assocs != nil && time.Since(a.memo.assocsAt) < 10*time.Second {
		return a.memo.assocs, nil
	}
	all, err := a.store.ListAssociations(context.Background())
	if err != nil {
		return nil, err
	}
	list := []*model.Association{}
	for _, as := range all {
		if !as.Withdrawn() { // archived or being removed: out of the public filters
			list = append(list, as)
		}
	}
	a.memo.assocs, a.memo.assocsAt = list, time.Now()
	return list, nil
}

func (a *app) categories(ctx context.Context, st state) ([]string, error) {
	a.memo.mu.Lock()
	defer a.memo.mu.Unlock()
	if a.memo.cats != nil && a.memo.catsSeq == st.Seq && a.memo.catsHour == st.Now.Unix() {
		return a.memo.cats, nil
	}
	cats, err := a.store.PublicCategories(ctx, st.Now, 200)
	if err != nil {
		return nil, err
	}
	if cats == nil {
		cats = []string{}
	}
	a.memo.cats, a.memo.catsSeq, a.memo.catsHour = cats, st.Seq, st.Now.Unix()
	return cats, nil
}
