package caldav

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

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
// Slugs are made of a-z, 0-9 and inner hyphens. An association calendar's
// segment is its two slugs joined by a dot; a personal calendar's segment
// never holds a dot: the two namespaces cannot collide. A personal calendar
// that a client created under a name that is not a slug keeps that name as
// its segment (percent-encoded in URLs): Apple's upper-case UUIDs take the
// lower-cased name as slug, any other name (vdirsyncer's "test @ foo ät
// bar") a slug derived from it (see personalSlug). A user reaches only
// their own principal and home; every other path is 404.

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
	if s := strings.ToLower(seg); validSlug(s) {
		return "", s, true
	}
	if calendarNameProblem(seg) != "" {
		return "", "", false
	}
	return "", personalSlug(seg), true
}

// maxCalendarSegment bounds a personal calendar's name, in bytes.
const maxCalendarSegment = model.MaxNameLen

// calendarNameProblem says, in words for the person, why a decoded
// segment can name no calendar; "" when it can.
func calendarNameProblem(seg string) string {
	if a, c, found := strings.Cut(seg, "."); found {
		if validSlug(a) && validSlug(c) {
			return ""
		}
		return "a calendar name with a dot names an association's calendar, ASSOCIATION.NAME, both in lower-case letters, digits and inner hyphens; a personal calendar's name has no dot"
	}
	switch {
	case len(seg) > maxCalendarSegment:
		return "a calendar name is at most " + itoa(maxCalendarSegment) + " bytes long"
	case !utf8.ValidString(seg):
		return "a calendar name must be UTF-8 text"
	case strings.TrimSpace(seg) == "":
		return "a calendar name cannot be blank"
	case strings.IndexFunc(seg, unicode.IsControl) >= 0:
		return "a calendar name cannot hold control characters (tabs, line breaks)"
	}
	return ""
}

// personalSlug derives the slug of a personal calendar whose name is not
// one: its lower-case ASCII letters and digits, the rest turned into
// hyphens, then eight hex digits of the name's SHA-256, so that two names
// never share a slug by accident and a name always finds its calendar.
func personalSlug(seg string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(seg) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	sum := sha256.Sum256([]byte(seg))
	tag := hex.EncodeToString(sum[:4])
	base := b.String()
	if max := model.MaxSlugLen - len(tag) - 1; len(base) > max {
		base = base[:max]
	}
	base = strings.TrimRight(base, "-")
	if base == "" {
		base = "calendar"
	}
	return base + "-" + tag
}

// refusedCalendarName says why a MKCALENDAR or MKCOL path in the user's
// own home cannot make a calendar; "" when the path is something else.
func (h *handler) refusedCalendarName(user, escaped string) string {
	rest, ok := strings.CutPrefix(escaped, h.homePath(user))
	if !ok {
		return ""
	}
	rest = strings.TrimSuffix(rest, "/")
	if rest == "" || strings.Contains(rest, "/") {
		return ""
	}
	seg, err := url.PathUnescape(rest)
	if err != nil {
		return "the calendar name is not a valid percent-encoded URL segment"
	}
	if _, ok := cleanSegment(rest); !ok {
		return "a calendar name cannot be . or .. nor hold a slash, a backslash or a NUL"
	}
	return calendarNameProblem(seg)
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
