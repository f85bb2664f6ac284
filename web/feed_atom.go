package web

import (
	"context"
	"encoding/xml"
	"time"

	"github.com/labstack/echo/v4"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   atomText    `xml:"title"`
	Sub     atomText    `xml:"subtitle"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLinkA `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLinkA struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Links      []atomLinkA    `xml:"link"`
	Summary    atomText       `xml:"summary"`
	Categories []atomCategory `xml:"category"`
}

// feedAtom serves /feeds/agenda.atom, one entry per occurrence, text only.
func (a *app) feedAtom(c echo.Context) error {
	p, err := a.parseFeedParams(c.QueryParams())
	if err != nil {
		return err
	}
	return a.respond(c, "/feeds/agenda.atom?"+p.key(), "public, max-age=300", func(ctx context.Context, st state) (*cached, error) {
		res, err := a.resolve(p.f)
		if err != nil {
			return nil, err
		}
		rows, from, err := a.occurrences(ctx, st, p, res)
		if err != nil {
			return nil, err
		}
		self := a.selfURL("/feeds/agenda.atom", p)
		updated := st.At
		if updated.IsZero() {
			updated = time.Unix(0, 0)
		}
		doc := atomFeed{Lang: st.Lang, ID: self, Title: atomText{Type: "text", Value: a.feedTitle(st, res)},
			Sub: atomText{Type: "text", Value: st.Site.Description}, Updated: updated.UTC().Format(time.RFC3339),
			Author: atomPerson{Name: st.Site.Name},
			Links: []atomLinkA{{Href: self, Rel: "self", Type: "application/atom+xml"},
				{Href: withQuery(a.opts.BaseURL+"/", p.f.values()), Rel: "alternate", Type: "text/html"}}}
		for _, e := range a.feedEntries(st.Lang, rows, from) {
			ae := atomEntry{ID: e.ID, Title: atomText{Type: "text", Value: e.Title}, Updated: e.Updated.UTC().Format(time.RFC3339),
				Links: []atomLinkA{{Href: e.Link, Rel: "alternate", Type: "text/html"}}, Summary: atomText{Type: "html", Value: e.HTML}}
			if e.Author != "" {
				ae.Author = &atomPerson{Name: e.Author}
			}
			for _, cat := range e.Categories {
				ae.Categories = append(ae.Categories, atomCategory{Term: cat})
			}
			doc.Entries = append(doc.Entries, ae)
		}
		body, err := marshalXML(doc)
		if err != nil {
			return nil, err
		}
		return &cached{ctype: "application/atom+xml; charset=utf-8", body: body,
			extra: map[string]string{"Access-Control-Allow-Origin": "*"}}, nil
	})
}
