package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"html"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical/markup"
)

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language"`
	LastBuild   string    `xml:"lastBuildDate,omitempty"`
	Self        atomLink  `xml:"atom:link"`
	Items       []rssItem `xml:"item"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type rssGUID struct {
	Value     string `xml:",chardata"`
	Permalink string `xml:"isPermaLink,attr"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	Description string   `xml:"description"`
	PubDate     string   `xml:"pubDate,omitempty"`
	Categories  []string `xml:"category"`
}

// feedEntry is an occurrence as the text feeds say it.
type feedEntry struct {
	ID, Title, Link, Text string
	// HTML is Text with the description rendered (markup).
	HTML       string
	Updated    time.Time
	Categories []string
	Author     string
}

func (a *app) feedEntries(lang string, rows []db.InstanceRow, from time.Time) []feedEntry {
	out := make([]feedEntry, 0, len(rows))
	for _, r := range rows {
		it := a.itemOf(lang, r, from)
		title := it.Summary
		if it.Cancelled {
			title = "[" + strings.ToUpper(tr(lang, "event.cancelled")) + "] " + title
		}
		parts := []string{it.When}
		if it.Place != "" {
			parts = append(parts, it.Place)
		}
		if it.Commune != "" && !strings.Contains(model.FoldKey(it.Place), model.FoldKey(it.Commune)) {
			// "Salle des fêtes, Casseneuil — Casseneuil" says the town twice.
			parts = append(parts, it.Commune)
		}
		desc := r.Event.Description
		if r.Event.Origin == model.OriginRemote {
			desc = htmlToText(desc)
		}
		text := strings.Join(parts, " — ")
		rich := "<p>" + html.EscapeString(text) + "</p>"
		if d := excerpt(desc, 500); d != "" {
			text += "\n\n" + d
			// The beginning of the description, rendered: cut by lines,
			// not words, so that Markdown keeps its shape.
			rich += markup.HTML(cutText(desc, 1000))
		}
		author := it.Assoc
		if author == "" {
			author = it.Source
		}
		link := a.opts.BaseURL + it.Href
		updated := r.Event.Updated
		if updated.IsZero() {
			updated = r.Event.Created
		}
		out = append(out, feedEntry{ID: link + "#" + r.Instance.Start.UTC().Format("20060102T150405Z"), Title: title, Link: link,
			Text: text, HTML: rich, Updated: updated, Categories: r.Event.Categories, Author: author})
	}
	return out
}

// feedRSS serves /feeds/agenda.rss (RSS 2.0), one item per occurrence.
// Titles are plain text, HTML-escaped inside the XML escaping, so that
// readers that take them as HTML show them as text; descriptions are
// HTML, the event's description rendered by markup.
func (a *app) feedRSS(c echo.Context) error {
	p, err := a.parseFeedParams(c.QueryParams())
	if err != nil {
		return err
	}
	return a.respond(c, "/feeds/agenda.rss?"+p.key(), "public, max-age=300", func(ctx context.Context, st state) (*cached, error) {
		res, err := a.resolve(p.f)
		if err != nil {
			return nil, err
		}
		rows, from, err := a.occurrences(ctx, st, p, res)
		if err != nil {
			return nil, err
		}
		self := a.selfURL("/feeds/agenda.rss", p)
		doc := rssDoc{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: rssChannel{
			Title: a.feedTitle(st, res), Link: withQuery(a.opts.BaseURL+"/", p.f.values()),
			Description: st.Site.Description, Language: st.Lang,
			Self: atomLink{Href: self, Rel: "self", Type: "application/rss+xml"},
		}}
		if !st.At.IsZero() {
			doc.Channel.LastBuild = st.At.UTC().Format(time.RFC1123Z)
		}
		for _, e := range a.feedEntries(st.Lang, rows, from) {
			doc.Channel.Items = append(doc.Channel.Items, rssItem{Title: html.EscapeString(e.Title), Link: e.Link,
				GUID: rssGUID{Value: e.ID, Permalink: "false"}, Description: e.HTML,
				PubDate: e.Updated.UTC().Format(time.RFC1123Z), Categories: e.Categories})
		}
		body, err := marshalXML(doc)
		if err != nil {
			return nil, err
		}
		return &cached{ctype: "application/rss+xml; charset=utf-8", body: body,
			extra: map[string]string{"Access-Control-Allow-Origin": "*"}}, nil
	})
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteString("\n")
	return buf.Bytes(), nil
}
