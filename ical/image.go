package ical

import (
	"mime"
	"path"
	"strings"

	goical "github.com/emersion/go-ical"
)

// Picture is an event's image (its poster): the address the public may
// load it from and its media type when known.
type Picture struct {
	URL       string
	MediaType string
}

// ImageOf returns the picture of an event's master component, the one rule
// that the event page, its JSON-LD and the Mobilizon banner share:
//
//   - the IMAGE property of RFC 7986 (VALUE=URI), a DISPLAY=FULLSIZE one
//     first, which is what Bastide's event form writes;
//   - else an ATTACH whose FMTTYPE is image/*, which is how Google
//     Calendar, Apple Calendar and Thunderbird attach a picture;
//
// only http(s) addresses count: an inline (BINARY) picture is never served.
// The zero Picture means none.
func ImageOf(c *goical.Component) Picture {
	if c == nil {
		return Picture{}
	}
	var best Picture
	for _, p := range c.Props.Values(goical.PropImage) {
		if strings.EqualFold(p.Params.Get(goical.ParamValue), "BINARY") {
			continue
		}
		u := PublicLink(p.Value)
		if u == "" {
			continue
		}
		pic := Picture{URL: u, MediaType: imageType(p.Params.Get(goical.ParamFormatType), u)}
		if strings.Contains(strings.ToUpper(p.Params.Get(goical.ParamDisplay)), "FULLSIZE") {
			return pic
		}
		if best.URL == "" {
			best = pic
		}
	}
	if best.URL != "" {
		return best
	}
	for _, p := range c.Props.Values(goical.PropAttach) {
		ft := strings.ToLower(strings.TrimSpace(p.Params.Get(goical.ParamFormatType)))
		if !strings.HasPrefix(ft, "image/") || strings.EqualFold(p.Params.Get(goical.ParamValue), "BINARY") {
			continue
		}
		if u := PublicLink(p.Value); u != "" {
			return Picture{URL: u, MediaType: ft}
		}
	}
	return Picture{}
}

// Image returns the picture of a stored object (see ImageOf); text that
// does not parse has none.
func Image(data string) Picture {
	obj, err := ParseObject([]byte(data), DefaultLimits())
	if err != nil {
		return Picture{}
	}
	return ImageOf(obj.Master)
}

// imageType is the FMTTYPE when it names an image, else the type the
// address's extension implies, else "".
func imageType(fmttype, u string) string {
	if ft := strings.ToLower(strings.TrimSpace(fmttype)); strings.HasPrefix(ft, "image/") {
		return ft
	}
	i := strings.IndexAny(u, "?#")
	if i < 0 {
		i = len(u)
	}
	if t, _, _ := strings.Cut(mime.TypeByExtension(strings.ToLower(path.Ext(u[:i]))), ";"); strings.HasPrefix(t, "image/") {
		return t
	}
	return ""
}
