package ical

import (
	"strings"

	goical "github.com/emersion/go-ical"

	"github.com/bastide47/bastide/db/model"
)

// MaxShownLen bounds, in characters, each detail shownFields keeps; a
// longer one is cut and ends with "…".
const MaxShownLen = 500

// maxAccess bounds the accessibility notes kept.
const maxAccess = 20

// shownFields reads from c (the master component) the details the public
// pages show that have no standard property, in the order they are tried
// (see the README, "Web agenda, feeds and widget"):
//
//   - price: X-BASTIDE-PRICE, else X-MOBILIZON-PRICE;
//   - accessibility: every X-BASTIDE-ACCESSIBILITY, else every
//     X-MOBILIZON-ACCESSIBILITY;
//   - online link: X-BASTIDE-ONLINE-URL, else CONFERENCE (RFC 7986), else
//     X-MOBILIZON-ONLINE-ADDRESS; only http(s) links count;
//   - image (the poster): ImageOf.
//
// Lines of the description ("Tarif : 5 €") are the web page's own
// fallback, read from the stored description.
func shownFields(c *goical.Component, e *model.Event) {
	for _, n := range []string{"X-BASTIDE-PRICE", "X-MOBILIZON-PRICE"} {
		if v := clipShown(text(c, n)); v != "" {
			e.Price = v
			break
		}
	}
	for _, name := range []string{"X-BASTIDE-ACCESSIBILITY", "X-MOBILIZON-ACCESSIBILITY"} {
		for _, p := range c.Props.Values(name) {
			// One note a line: a line break inside a note would split it.
			v := clipShown(strings.Join(strings.Fields(unescapeText(p.Value)), " "))
			if v != "" && len(e.Access) < maxAccess {
				e.Access = append(e.Access, v)
			}
		}
		if len(e.Access) > 0 {
			break
		}
	}
	for _, name := range []string{"X-BASTIDE-ONLINE-URL", "CONFERENCE", "X-MOBILIZON-ONLINE-ADDRESS"} {
		if p := c.Props.Get(name); p != nil {
			if u := PublicLink(p.Value); u != "" {
				e.Online = u
				break
			}
		}
	}
	pic := ImageOf(c)
	e.ImageURL, e.ImageType = pic.URL, pic.MediaType
}

// clipShown trims s and cuts it to MaxShownLen characters.
func clipShown(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > MaxShownLen {
		s = string(r[:MaxShownLen]) + "…"
	}
	return s
}
