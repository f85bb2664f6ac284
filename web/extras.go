package web

import (
	"strings"

	"golang.org/x/net/html"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// extras are the details of an event page that have no field of their
// own in the iCalendar standard. They are read from the text at write
// time (ical, stored with the event; see the README, "Web agenda, feeds
// and widget"); when the text names no price or accessibility, a line of
// the description starting with "Tarif :", "Prix :", "Entrée :" or
// "Price:" gives the price, and one starting with "Accessibilité :" or
// "Accessibility:" the accessibility.
type extras struct {
	Price  string
	Access []string
	Online string
}

func extrasOf(e *model.Event, description string) extras {
	x := extras{Price: e.Price, Access: e.Access, Online: e.Online}
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

func clean(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > ical.MaxShownLen {
		s = string(r[:ical.MaxShownLen]) + "…"
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
