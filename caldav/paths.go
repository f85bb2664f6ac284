package caldav

import (
	"net/url"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// The CalDAV URL space, built and parsed only here (under Options.Prefix,
// "/dav" by default):
//
//	/dav/                                    root (current-user-principal)
//	/dav/principals/                         principal collection
//	/dav/principals/{user}/                  a user's principal
//	/dav/calendars/                          collection of homes
//	/dav/calendars/{user}/                   a user's calendar home
//	/dav/calendars/{user}/{slug}/            a personal calendar
//	/dav/calendars/{user}/{assoc}.{slug}/    an association's calendar, in every member's home
//	/dav/calendars/{user}/{calendar}/{name}  a calendar object
//
// Slugs are made of a-z, 0-9 and inner hyphens, so a personal calendar's
// segment never contains a dot and an association calendar's always holds
// exactly one: the two namespaces cannot collide. A personal calendar that a
// client created under a name that is not a slug (Apple uses upper-case
// UUIDs) keeps that name as its segment; its slug is the lower-cased name.
// A user reaches only their own principal and home; every other path is 404.

type resKind int

const (
	resRoot resKind = iota
	resPrincipals
	resPrincipal
	resHomes
	resHome
	resCalendar
	resObject
	// resBelow is a path under a calendar that can name no object: a
	// collection inside it, or anything deeper.
	resBelow
)

// davPath is a parsed request path.
type davPath struct {
	kind   resKind
	user   string
	calSeg string // the segment as written (decoded)
	assoc  string // association slug, empty for a personal calendar
	slug   string // calendar slug
	object string // object name (decoded)
}

// calendarName splits a calendar segment into association and calendar
// slugs; ok is false when the segment can name no calendar.
func calendarName(seg string) (assoc, slug string, ok bool) {
	if a, c, found := strings.Cut(seg, "."); found {
		if !validSlug(a) || !validSlug(c) {
			return "", "", false
		}
		return a, c, true
	}
	s := strings.ToLower(seg)
	if !validSlug(s) {
		return "", "", false
	}
	return "", s, true
}

// validSlug is model.ValidSlug (lower-case letters, digits and inner
// hyphens) without its regular expression, which cost a multiget of 100
// hrefs about 80 µs; TestValidSlug holds the two equal.
func validSlug(s string) bool {
	if s == "" || len(s) > model.MaxSlugLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// cleanSegment decodes one escaped path segment and refuses what could
// climb or hide a separator.
func cleanSegment(esc string) (string, bool) {
	s, err := url.PathUnescape(esc)
	if err != nil || s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\\\x00") {
		return "", false
	}
	return s, true
}

// parsePath parses an escaped request path (or an href) under prefix.
func parsePath(prefix, escaped string) (davPath, bool) {
	var p davPath
	if escaped == prefix {
		return p, true
	}
	rest, ok := strings.CutPrefix(escaped, prefix+"/")
	if !ok {
		return p, false
	}
	if rest == "" {
		return p, true
	}
	trailing := strings.HasSuffix(rest, "/")
	rest = strings.TrimSuffix(rest, "/")
	raw := strings.Split(rest, "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		s, ok := cleanSegment(r)
		if !ok {
			return p, false
		}
		segs[i] = s
	}
	switch segs[0] {
	case "principals":
		switch len(segs) {
		case 1:
			p.kind = resPrincipals
		case 2:
			p.kind, p.user = resPrincipal, segs[1]
		default:
			return p, false
		}
	case "calendars":
		switch len(segs) {
		case 1:
			p.kind = resHomes
		case 2:
			p.kind, p.user = resHome, segs[1]
		default:
			a, c, ok := calendarName(segs[2])
			if !ok {
				return p, false
			}
			p.kind, p.user, p.calSeg, p.assoc, p.slug = resCalendar, segs[1], segs[2], a, c
			if len(segs) == 4 && !trailing {
				p.kind, p.object = resObject, segs[3]
			} else if len(segs) >= 4 {
				p.kind = resBelow
			}
		}
	default:
		return p, false
	}
	return p, true
}

// hrefPath reduces an href (a path or an absolute URL) to its escaped path.
func hrefPath(href string) (string, bool) {
	href = strings.TrimSpace(href)
	if strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "//") {
		if i := strings.IndexAny(href, "?#"); i >= 0 {
			href = href[:i]
		}
		return href, true
	}
	u, err := url.Parse(href)
	if err != nil || u.Path == "" {
		return "", false
	}
	return u.EscapedPath(), true
}

func (h *handler) rootPath() string { return h.opts.Prefix + "/" }

func (h *handler) principalsPath() string { return h.opts.Prefix + "/principals/" }

func (h *handler) principalPath(user string) string {
	return h.opts.Prefix + "/principals/" + url.PathEscape(user) + "/"
}

func (h *handler) homesPath() string { return h.opts.Prefix + "/calendars/" }

func (h *handler) homePath(user string) string {
	return h.opts.Prefix + "/calendars/" + url.PathEscape(user) + "/"
}

// segment returns the URL segment of a calendar in a home.
func segment(dc *db.DAVCalendar) string {
	if dc.Calendar.Kind == model.CalendarAssociation {
		return dc.AssociationSlug + "." + dc.Calendar.Slug
	}
	if dc.Segment != "" {
		return dc.Segment
	}
	return dc.Calendar.Slug
}

func (h *handler) calendarPath(user string, dc *db.DAVCalendar) string {
	return h.homePath(user) + url.PathEscape(segment(dc)) + "/"
}

func (h *handler) objectPath(user string, dc *db.DAVCalendar, name string) string {
	return h.calendarPath(user, dc) + url.PathEscape(name)
}

func pathEscape(s string) string { return url.PathEscape(s) }
