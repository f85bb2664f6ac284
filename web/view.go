package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// item is one occurrence as lists show it.
type item struct {
	UUID       string
	Href       string
	Summary    string
	Time       string // short, within a day heading
	When       string // in full
	ISO        string // for <time datetime>
	Place      string
	Commune    string
	Assoc      string
	AssocHref  string
	Source     string // host of a remote event without association
	Categories []string
	Cancelled  bool
	Tentative  bool
	Recurring  bool
	Online     bool   // the place is a link (an online Mobilizon event)
	Desc       string // short excerpt (widget, detailed)
	dayKey     string
	// spilled marks the copy of a festival on its later days.
	spilled bool
	start   time.Time
}

// dayGroup is the occurrences of one day.
type dayGroup struct {
	Label string
	ISO   string
	Today bool
	Items []item
	// More is how many occurrences of the day are not shown, and
	// MoreHref the list of that day (week view).
	More     int
	MoreHref string
}

func communeName(insee string) string {
	if c, ok := model.CommuneByINSEE(insee); ok {
		return c.Name
	}
	return ""
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Hostname()
}

func isCancelled(r db.InstanceRow) bool {
	return r.Instance.Status == model.StatusCancelled || r.Event.Status == model.StatusCancelled
}

func (a *app) itemOf(lang string, r db.InstanceRow, from time.Time) item {
	e := r.Event
	sp := a.spanOf(r.Instance.Start, r.Instance.End, e.AllDay, e.Floating)
	it := item{
		UUID: e.UUID, Href: model.EventPath(e.UUID), Summary: e.Summary,
		Time: formatTimeOfDay(lang, sp), When: formatWhen(lang, sp),
		Place: e.Location, Commune: communeName(e.CommuneINSEE),
		Assoc: r.AssociationName, Categories: e.Categories,
		Cancelled: isCancelled(r), Tentative: e.Status == model.StatusTentative && r.Instance.Status != model.StatusConfirmed,
		Recurring: e.Recurring, start: r.Instance.Start,
	}
	if it.Summary == "" {
		it.Summary = tr(lang, "event.untitled")
	}
	if loc := strings.TrimSpace(e.Location); e.PlaceID == 0 && !strings.ContainsAny(loc, " \t\n") && ical.PublicLink(loc) != "" {
		// Federation stores an online event's address as its LOCATION: a
		// list says "online" rather than print the link as a place.
		it.Place, it.Online = tr(lang, "event.online"), true
	}
	if r.AssociationSlug != "" {
		it.AssocHref = model.AssociationPath(r.AssociationSlug)
	} else if e.Origin == model.OriginRemote {
		it.Source = hostOf(e.APID)
	}
	if sp.AllDay {
		it.ISO = sp.Start.Format("2006-01-02")
	} else {
		it.ISO = sp.Start.Format(time.RFC3339)
	}
	it.dayKey = a.dayKeyOf(r, from)
	return it
}

// dayKeyOf is the day (YYYY-MM-DD) an occurrence is listed under: its
// start day in Paris (its wall-clock day when all-day or floating), or the
// first day of the range when it started before it.
func (a *app) dayKeyOf(r db.InstanceRow, from time.Time) string {
	if r.Instance.Start.Before(from) {
		return from.In(a.paris).Format("2006-01-02")
	}
	if r.Event.AllDay || r.Event.Floating {
		return r.Instance.Start.UTC().Format("2006-01-02")
	}
	return r.Instance.Start.In(a.paris).Format("2006-01-02")
}

// groupByDay groups items (already in start order) by their day.
func (a *app) groupByDay(lang string, items []item, today string) []dayGroup {
	var out []dayGroup
	idx := map[string]int{}
	for _, it := range items {
		i, ok := idx[it.dayKey]
		if !ok {
			d, _ := time.Parse("2006-01-02", it.dayKey)
			out = append(out, dayGroup{Label: longDate(lang, d), ISO: it.dayKey, Today: it.dayKey == today})
			i = len(out) - 1
			idx[it.dayKey] = i
		}
		out[i].Items = append(out[i].Items, it)
	}
	return out
}

// excerpt cuts plain text to about n runes at a word boundary.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// webcalURL turns an http(s) URL of a feed into its webcal:// form.
func webcalURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		return "webcal" + u[i:]
	}
	return u
}

// subscribe holds the feed links for a filter.
type subscribe struct {
	// Webcal is built here from BaseURL and an encoded query: safe to mark
	// as a URL (html/template would otherwise refuse the webcal scheme).
	Webcal                      template.URL
	ICS, RSS, Atom, JSON, Embed string
}

func (a *app) subscribeLinks(v url.Values) subscribe {
	b := a.opts.BaseURL
	return subscribe{
		Webcal: template.URL(webcalURL(withQuery(b+"/feeds/agenda.ics", v))),
		ICS:    withQuery(b+"/feeds/agenda.ics", v),
		RSS:    withQuery(b+"/feeds/agenda.rss", v),
		Atom:   withQuery(b+"/feeds/agenda.atom", v),
		JSON:   withQuery(b+"/api/events", v),
		Embed:  withQuery(b+"/embed", v),
	}
}

// handle is the fediverse address of an association: @slug@host, with the
// host as WebFinger answers for it (lower case, port kept), as federation
// builds it.
func (a *app) handle(slug string) string {
	host := ""
	if u, err := url.Parse(a.opts.BaseURL); err == nil {
		host = strings.ToLower(u.Host)
	}
	return "@" + slug + "@" + host
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }

// cutText keeps the beginning of s, at most n bytes, cut at the end of a
// line when one ends within them (else at a character boundary), with
// "…" when something was left out.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], '\n')
	if cut <= 0 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " \n") + "…"
}
