package web

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

const (
	embedDefaultN = 5
	embedMaxN     = 50
)

var hexColor = regexp.MustCompile(`^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$`)

type embedPage struct {
	Lang       string
	Title      string
	Style      string
	Items      []item
	ThemeHref  string
	AgendaHref string
	SourceURL  string
}

// embedOptions are the widget's own parameters.
type embedOptions struct {
	N         int
	Color, Bg string // six hex digits, no '#'
	Style     string // compact or detailed
}

func parseColor(v string) (string, bool) {
	if v == "" {
		return "", true
	}
	m := hexColor.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return "", false
	}
	h := strings.ToLower(m[1])
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	return h, true
}

func parseEmbedOptions(q url.Values) (embedOptions, error) {
	o := embedOptions{N: embedDefaultN, Style: "compact"}
	if v := q.Get("n"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > embedMaxN {
			return o, &badRequest{Key: "error.bad_limit", Arg: v, Max: embedMaxN}
		}
		o.N = n
	}
	var ok bool
	if o.Color, ok = parseColor(q.Get("color")); !ok {
		return o, &badRequest{Key: "error.bad_color", Arg: q.Get("color")}
	}
	if o.Bg, ok = parseColor(q.Get("bg")); !ok {
		return o, &badRequest{Key: "error.bad_color", Arg: q.Get("bg")}
	}
	switch s := q.Get("style"); s {
	case "", "compact":
	case "detailed":
		o.Style = s
	default:
		return o, &badRequest{Key: "error.bad_style", Arg: s}
	}
	return o, nil
}

func (o embedOptions) values() url.Values {
	v := url.Values{}
	if o.N != embedDefaultN {
		v.Set("n", strconv.Itoa(o.N))
	}
	if o.Color != "" {
		v.Set("color", o.Color)
	}
	if o.Bg != "" {
		v.Set("bg", o.Bg)
	}
	if o.Style != "compact" {
		v.Set("style", o.Style)
	}
	return v
}

// embedShow renders the widget that associations put on their websites in
// an iframe: the next n events for the same filters as the agenda.
func (a *app) embedShow(c echo.Context) error {
	f, err := parseFilter(c.QueryParams(), a.paris)
	if err != nil {
		return err
	}
	o, err := parseEmbedOptions(c.QueryParams())
	if err != nil {
		return err
	}
	key := "/embed?" + f.values().Encode() + "&" + o.values().Encode()
	return a.respond(c, key, "public, max-age=300", func(ctx context.Context, st state) (*cached, error) {
		res, err := a.resolve(f)
		if err != nil {
			return nil, err
		}
		from, to := a.rangeOf(f, st.Now, defaultListSpan)
		q := res.q
		q.From, q.To, q.Limit = from, to, o.N
		rows, err := a.store.ListInstances(ctx, q)
		if err != nil {
			return nil, err
		}
		p := embedPage{SourceURL: a.opts.SourceURL, Lang: st.Lang, Title: tr(st.Lang, "embed.title"), Style: o.Style,
			AgendaHref: withQuery(a.opts.BaseURL+"/", f.values())}
		if len(res.Assocs) == 1 {
			p.Title += " — " + res.Assocs[0].Name
		}
		tv := url.Values{}
		if o.Color != "" {
			tv.Set("color", o.Color)
		}
		if o.Bg != "" {
			tv.Set("bg", o.Bg)
		}
		p.ThemeHref = withQuery("/embed/theme.css", tv)
		for _, r := range rows {
			it := a.itemOf(st.Lang, r, from)
			it.Href = a.opts.BaseURL + it.Href
			// The town is what a reader of a small widget needs: the compact
			// style names it rather than the place, the detailed one adds
			// it to a place that does not say it.
			if it.Commune != "" && !it.Online {
				if o.Style == "compact" || it.Place == "" {
					it.Place = it.Commune
				} else if !strings.Contains(strings.ToLower(it.Place), strings.ToLower(it.Commune)) {
					it.Place += ", " + it.Commune
				}
			}
			if o.Style == "detailed" {
				d := r.Event.Description
				if r.Event.Origin == "remote" {
					d = htmlToText(d)
				}
				it.Desc = excerpt(d, 140)
			}
			p.Items = append(p.Items, it)
		}
		body, err := a.render("embed", p)
		if err != nil {
			return nil, err
		}
		return htmlEntry(body), nil
	})
}
