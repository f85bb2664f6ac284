package caldav

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

var colorRe = regexp.MustCompile(`^#[0-9A-Fa-f]{6}(?:[0-9A-Fa-f]{2})?$`)

// propUpdate is one set or remove of a PROPPATCH, in document order, with
// the xml:lang in scope on its element (RFC 4918 §4.3).
type propUpdate struct {
	remove bool
	n      *node
	lang   string
}

func parsePropertyUpdate(body *node, root qname) ([]propUpdate, error) {
	if body == nil || !body.is(root) {
		return nil, badRequest("the body must be a " + root.Local + " element")
	}
	var ups []propUpdate
	for _, c := range body.Children {
		rm := c.is(dav("remove"))
		if !rm && !c.is(dav("set")) {
			continue
		}
		for _, p := range c.Children {
			if !p.is(dav("prop")) {
				continue
			}
			inherited := p.lang(c.lang(body.lang("")))
			for _, v := range p.Children {
				ups = append(ups, propUpdate{remove: rm, n: v, lang: v.lang(inherited)})
			}
		}
	}
	return ups, nil
}

// protected properties cannot be changed by PROPPATCH.
var protected = map[qname]bool{
	dav("resourcetype"): true, dav("getetag"): true, dav("getcontenttype"): true, dav("getcontentlength"): true,
	dav("getlastmodified"): true, dav("sync-token"): true, cs("getctag"): true, dav("current-user-privilege-set"): true,
	dav("current-user-principal"): true, dav("owner"): true, dav("supported-report-set"): true,
	cal("supported-calendar-component-set"): true, cal("supported-calendar-data"): true, cal("max-resource-size"): true,
	cal("calendar-home-set"): true, cal("calendar-user-address-set"): true, dav("principal-URL"): true,
	cal("max-instances"): true, dav("creationdate"): true, dav("resource-id"): true,
}

// applyCalendarProp applies one live property update to c; handled is false
// for a dead property; a non-empty problem refuses the value.
func (h *handler) applyCalendarProp(c *model.Calendar, up propUpdate) (handled bool, code int, problem string) {
	q := up.n.qname
	if protected[q] {
		return true, http.StatusForbidden, "this property is kept by the server and cannot be set"
	}
	text := strings.TrimSpace(up.n.Text)
	switch q {
	case dav("displayname"):
		if up.remove || text == "" {
			c.Name = c.Slug
		} else {
			c.Name = text
		}
	case cal("calendar-description"):
		if up.remove {
			c.Description = ""
		} else {
			c.Description = up.n.Text
		}
	case apple("calendar-color"):
		if up.remove || text == "" {
			c.Color = ""
		} else {
			if !strings.HasPrefix(text, "#") {
				text = "#" + text
			}
			if !colorRe.MatchString(text) {
				return true, http.StatusConflict, "the colour must be #RRGGBB or #RRGGBBAA"
			}
			c.Color = text
		}
	case apple("calendar-order"):
		if up.remove || text == "" {
			c.Order = 0
		} else {
			n, err := strconv.Atoi(text)
			if err != nil {
				return true, http.StatusConflict, "calendar-order must be an integer"
			}
			c.Order = n
		}
	case cal("calendar-timezone"):
		if up.remove || text == "" {
			c.Timezone = ""
		} else {
			if len(text) > 64<<10 {
				return true, http.StatusConflict, "calendar-timezone is larger than 64 KiB"
			}
			if _, err := h.vtimezoneLocation(text); err != nil {
				return true, http.StatusConflict, "calendar-timezone must be an iCalendar object with exactly one VTIMEZONE: " + err.Error()
			}
			c.Timezone = up.n.Text
		}
	default:
		if q.Space == nsDAV || q.Space == nsCalDAV {
			if knownProp(q) {
				return true, http.StatusForbidden, "this property is kept by the server and cannot be set"
			}
		}
		return false, 0, ""
	}
	return true, http.StatusOK, ""
}

func (h *handler) proppatch(w http.ResponseWriter, r *request) error {
	body, err := h.readXMLBody(r.Request)
	if err != nil {
		return xmlBodyErr(err)
	}
	ups, err := parsePropertyUpdate(body, dav("propertyupdate"))
	if err != nil {
		return err
	}
	var href string
	var dc *db.DAVCalendar
	switch r.path.kind {
	case resCalendar:
		dc, err = h.resolveCalendar(r)
		if err != nil {
			return err
		}
		if !dc.Role.CanAdmin() {
			return preconditionErr(http.StatusForbidden, dav("need-privileges"), "only the association's owners may change a calendar's properties")
		}
		if err := followsFeed(dc); err != nil {
			return err
		}
		href = h.calendarPath(r.user.Username, dc)
	case resObject:
		dc, err := h.resolveCalendar(r)
		if err != nil {
			return err
		}
		if cur, err := h.currentETag(r, dc); err != nil {
			return err
		} else if cur == "" {
			return errNotFound
		}
		return preconditionErr(http.StatusForbidden, dav("cannot-modify-protected-property"), "calendar objects have no writable properties")
	default:
		// Principals and homes have no writable properties: say so per property.
		groups := map[int][]qname{}
		for _, up := range ups {
			groups[http.StatusForbidden] = append(groups[http.StatusForbidden], up.n.qname)
		}
		ms := newMultistatus(w, false)
		ms.propstats(r.URL.EscapedPath(), groups, []int{http.StatusForbidden})
		return ms.end()
	}
	c := *dc.Calendar
	var set, remove []db.DAVProp
	statuses := make([]int, len(ups))
	failed := false
	for i, up := range ups {
		handled, code, _ := h.applyCalendarProp(&c, up)
		if !handled {
			p := db.DAVProp{NS: up.n.Space, Name: up.n.Local}
			if up.remove {
				remove = append(remove, p)
				code = http.StatusOK
			} else {
				p.Value, p.Lang = up.n.innerXML(), up.lang
				if len(p.Value) > db.MaxDAVPropValue {
					code = http.StatusInsufficientStorage
				} else {
					set = append(set, p)
					code = http.StatusOK
				}
			}
		}
		statuses[i] = code
		if code != http.StatusOK {
			failed = true
		}
	}
	if !failed {
		if err := h.store.PatchDAVCalendar(r.Context(), &c, set, remove); err != nil {
			if _, ok := err.(*model.ValidationError); ok {
				for i := range statuses {
					statuses[i] = http.StatusConflict
				}
				failed = true
			} else {
				return err
			}
		}
	}
	groups := map[int][]qname{}
	for i, up := range ups {
		code := statuses[i]
		if failed && code == http.StatusOK {
			code = http.StatusFailedDependency
		}
		groups[code] = append(groups[code], up.n.qname)
	}
	ms := newMultistatus(w, false)
	ms.propstats(href, groups, []int{http.StatusOK, http.StatusForbidden, http.StatusConflict, http.StatusInsufficientStorage, http.StatusFailedDependency})
	return ms.end()
}
