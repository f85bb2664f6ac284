package web

import (
	"strings"

	goical "github.com/emersion/go-ical"
	"golang.org/x/net/html"

	"github.com/bastide47/bastide/ical"
)

// Event details that have no column of their own are read from the stored
// iCalendar text of the event (its master component). Conventions, in the
// order they are tried (see the README, "Web agenda, feeds and widget"):
//
//   - price: X-BASTIDE-PRICE, else X-MOBILIZON-PRICE, else a DESCRIPTION
//     line starting with "Tarif :", "Prix :", "Entrée :" or "Price:";
//   - accessibility: every X-BASTIDE-ACCESSIBILITY, else every
//     X-MOBILIZON-ACCESSIBILITY, else a DESCRIPTION line starting with
//     "Accessibilité :" or "Accessibility:";
//   - online link: X-BASTIDE-ONLINE-URL, else CONFERENCE (RFC 7986), else
//     X-MOBILIZON-ONLINE-ADDRESS; only http(s) links are shown;
//   - image (the poster): ical.ImageOf, the rule the Mobilizon banner shares.
type extras struct {
	Price  string
	Access []string
	Online string
	Image  ical.Picture
}

const maxExtraLen = 500

func extrasOf(data, description string) extras {
	var x extras
	if obj, err := ical.ParseObject([]byte(data), ical.DefaultLimits()); err == nil && obj.Master != nil {
		m := obj.Master
		x.Image = ical.ImageOf(m)
		x.Price = firstText(m, "X-BASTIDE-PRICE", "X-MOBILIZON-PRICE")
		for _, name := range []string{"X-BASTIDE-ACCESSIBILITY", "X-MOBILIZON-ACCESSIBILITY"} {
			for _, p := range m.Props.Values(name) {
				if v := clean(unescape(p.Value)); v != "" && len(x.Access) < 20 {
					x.Access = append(x.Access, v)
				}
			}
			if len(x.Access) > 0 {
				break
			}
		}
		for _, name := range []string{"X-BASTIDE-ONLINE-URL", "CONFERENCE", "X-MOBILIZON-ONLINE-ADDRESS"} {
			if p := m.Props.Get(name); p != nil {
				if u := ical.PublicLink(p.Value); u != "" {
					x.Online = u
					break
				}
			}
		}
	}
	for _, line := range strings.Split(description, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "tarif", "tarifs", "prix", "entrée", "price":
			if x.Price == "" {
				x.Price = clean(v)
			}
		case "accessibilité", "accessibility":
			if len(x.Access) == 0 && clean(v) != "" {
				x.Access = []string{clean(v)}
			}
		}
	}
	return x
}

func firstText(c *goical.Component, names ...string) string {
	for _, n := range names {
		if p := c.Props.Get(n); p != nil {
			if v := clean(unescape(p.Value)); v != "" {
				return v
			}
		}
	}
	return ""
}

// unescape undoes iCalendar TEXT escapes.
func unescape(s string) string {
	return strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(s)
}

func clean(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > maxExtraLen {
		s = string(r[:maxExtraLen]) + "…"
	}
	return s
}

// htmlToText turns remote HTML (a Mobilizon description) into plain text:
// tags are dropped, block ends become line breaks, script and style
// contents vanish. The result is then escaped like any other text.
func htmlToText(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(collapseBlankLines(b.String()))
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "template", "iframe", "noscript", "textarea", "title":
				if tt := z.Token(); tt.Type == html.StartTagToken {
					skip++
				}
			case "br":
				b.WriteString("\n")
			case "li":
				b.WriteString("\n• ")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "template", "iframe", "noscript", "textarea", "title":
				if skip > 0 {
					skip--
				}
			case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "tr":
				b.WriteString("\n\n")
			}
		}
	}
}

func collapseBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if strings.TrimSpace(l) == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
