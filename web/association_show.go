package web

import (
	"context"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

const assocUpcoming = 20

type assocPage struct {
	base
	Name       string
	Desc       string
	Website    string
	Commune    string
	Handle     string
	Logo       string // public path of the logo, "" for none
	Days       []dayGroup
	AgendaHref string
	Sub        subscribe
	Snippet    string
}

// associationShow renders /@{association}.
func (a *app) associationShow(c echo.Context) error {
	slug := c.Param("slug")
	if !model.ValidSlug(slug) {
		return echo.ErrNotFound
	}
	return a.respond(c, model.AssociationPath(slug), "no-cache", func(ctx context.Context, st state) (*cached, error) {
		as, err := a.store.GetAssociationBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		if as.Withdrawn() {
			return nil, db.ErrWithdrawn // 410, "this association is archived"
		}
		lang := st.Lang
		p := &assocPage{base: a.baseFor(c, as.Name, model.AssociationPath(as.Slug), nil), Name: as.Name, Desc: as.Description,
			Website: ical.PublicLink(as.Website), Commune: communeName(as.CommuneINSEE), Handle: a.handle(as.Slug)}
		p.Description = excerpt(as.Description, 160)
		sha, err := a.store.AssociationLogo(ctx, as.ID)
		if err != nil {
			return nil, err
		}
		p.Logo = imagePath(sha)
		f := filter{Associations: []string{as.Slug}, View: "list"}
		p.AgendaHref = withQuery("/", f.values())
		p.Sub = a.subscribeLinks(f.values())
		p.Alternates = []link{
			{Href: p.Sub.RSS, Type: "application/rss+xml", Title: tr(lang, "sub.rss")},
			{Href: p.Sub.Atom, Type: "application/atom+xml", Title: tr(lang, "sub.atom")},
			{Href: p.Sub.ICS, Type: "text/calendar", Title: tr(lang, "sub.ics")},
		}
		ev := url.Values{paramAssociation: {as.Slug}}
		if lang != langFR {
			ev.Set("lang", lang)
		}
		p.Snippet = `<iframe src="` + a.opts.BaseURL + "/embed?" + ev.Encode() +
			`" title="` + tr(lang, "embed.title") + ` — ` + attrEscape(as.Name) + `" width="100%" height="420" style="border:0" loading="lazy"></iframe>`
		res, err := a.resolve(f)
		if err != nil {
			return nil, err
		}
		q := res.q
		q.From, q.To, q.Limit = st.Now, st.Now.Add(defaultListSpan), assocUpcoming
		rows, err := a.store.ListInstances(ctx, q)
		if err != nil {
			return nil, err
		}
		items := make([]item, 0, len(rows))
		for _, r := range rows {
			items = append(items, a.itemOf(lang, r, st.Now))
		}
		p.Days = a.groupByDay(lang, items, st.Now.In(a.paris).Format("2006-01-02"))
		body, err := a.render("association", p)
		if err != nil {
			return nil, err
		}
		return htmlEntry(body), nil
	})
}

// attrEscape escapes text for an HTML attribute in the snippet people copy
// (the snippet itself is then escaped again by the template as text).
func attrEscape(s string) string {
	r := []rune(s)
	if len(r) > 100 {
		s = string(r[:100])
	}
	out := make([]rune, 0, len(s))
	for _, c := range s {
		switch c {
		case '&':
			out = append(out, []rune("&amp;")...)
		case '"':
			out = append(out, []rune("&quot;")...)
		case '<':
			out = append(out, []rune("&lt;")...)
		case '>':
			out = append(out, []rune("&gt;")...)
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
