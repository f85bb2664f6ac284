package caldav

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/bastide47/bastide/db"
)

// propfindReq is a parsed PROPFIND body.
type propfindReq struct {
	mode  string // "prop", "allprop" or "propname"
	names []qname
}

// setMode records which of prop, allprop and propname a request asks
// for: one only (RFC 4918 §14.20).
func (pf *propfindReq) setMode(mode string) error {
	if pf.mode != "" && pf.mode != mode {
		return badRequest("ask for DAV:" + pf.mode + " or DAV:" + mode + ", not both")
	}
	pf.mode = mode
	return nil
}

func parsePropfind(body *node) (*propfindReq, error) {
	if body == nil {
		return &propfindReq{mode: "allprop"}, nil
	}
	if !body.is(dav("propfind")) {
		return nil, badRequest("the body must be a DAV:propfind element")
	}
	pf := &propfindReq{}
	for _, c := range body.Children {
		switch {
		case c.is(dav("prop")):
			if err := pf.setMode("prop"); err != nil {
				return nil, err
			}
			for _, p := range c.Children {
				pf.names = append(pf.names, p.qname)
			}
		case c.is(dav("allprop")), c.is(dav("propname")):
			if err := pf.setMode(c.Local); err != nil {
				return nil, err
			}
		case c.is(dav("include")):
			for _, p := range c.Children {
				pf.names = append(pf.names, p.qname)
			}
		}
	}
	if pf.mode == "" {
		return nil, badRequest("DAV:propfind needs DAV:prop, DAV:allprop or DAV:propname")
	}
	return pf, nil
}

// resource is one thing a multistatus describes.
type resource struct {
	kind resKind
	href string
	dc   *db.DAVCalendar
	dead []db.DAVProp
	obj  *db.ObjectHead
}

func minimal(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Prefer"), "return=minimal") || strings.EqualFold(r.Header.Get("Brief"), "t")
}

func parseDepth(r *http.Request) (int, error) {
	switch r.Header.Get("Depth") {
	case "0", "":
		return 0, nil
	case "1":
		return 1, nil
	case "infinity", "Infinity":
		return 0, preconditionErr(http.StatusForbidden, dav("propfind-finite-depth"), "Depth: infinity is not supported; use Depth 0 or 1")
	}
	return 0, badRequest("the Depth header must be 0, 1 or infinity")
}

func xmlBodyErr(err error) error {
	if errors.Is(err, errBodyTooLarge) {
		return &httpError{code: http.StatusRequestEntityTooLarge, msg: "the request body is too large"}
	}
	var he *httpError
	if errors.As(err, &he) {
		return err
	}
	return badRequest(err.Error())
}

func (h *handler) propfind(w http.ResponseWriter, r *request) error {
	depth, err := parseDepth(r.Request)
	if err != nil {
		return err
	}
	body, err := h.readXMLBody(r.Request)
	if err != nil {
		return xmlBodyErr(err)
	}
	pf, err := parsePropfind(body)
	if err != nil {
		return err
	}
	ctx := r.Context()
	user := r.user.Username
	var self resource
	var children func(emit func(*resource)) error
	cacheKey, cacheSeq := "", int64(0)
	switch r.path.kind {
	case resRoot:
		self = resource{kind: resRoot, href: h.rootPath()}
		if r.URL.EscapedPath() == "/" {
			// asked at the server's address: the answer is about that URL
			self.href = "/"
		}
		children = func(emit func(*resource)) error {
			emit(&resource{kind: resPrincipals, href: h.principalsPath()})
			emit(&resource{kind: resHomes, href: h.homesPath()})
			return nil
		}
	case resPrincipals:
		self = resource{kind: resPrincipals, href: h.principalsPath()}
		children = func(emit func(*resource)) error {
			emit(&resource{kind: resPrincipal, href: h.principalPath(user)})
			return nil
		}
	case resPrincipal:
		self = resource{kind: resPrincipal, href: h.principalPath(user)}
	case resHomes:
		self = resource{kind: resHomes, href: h.homesPath()}
		children = func(emit func(*resource)) error {
			emit(&resource{kind: resHome, href: h.homePath(user)})
			return nil
		}
	case resHome:
		self = resource{kind: resHome, href: h.homePath(user)}
		children = func(emit func(*resource)) error {
			cals, err := h.store.ListDAVCalendars(ctx, r.user.ID)
			if err != nil {
				return err
			}
			for i := range cals {
				dc := &cals[i]
				res := &resource{kind: resCalendar, href: h.calendarPath(user, dc), dc: dc}
				if err := h.loadDead(r, res, pf); err != nil {
					return err
				}
				emit(res)
			}
			return nil
		}
	case resCalendar:
		dc, err := h.resolveCalendar(r)
		if err != nil {
			return err
		}
		self = resource{kind: resCalendar, href: h.calendarPath(user, dc), dc: dc}
		if err := h.loadDead(r, &self, pf); err != nil {
			return err
		}
		cacheKey, cacheSeq = listingKey(dc.Calendar.ID, string(dc.Role), user, r.Request, pf), dc.Calendar.Seq
		children = func(emit func(*resource)) error {
			res := &resource{kind: resObject, dc: dc}
			base := h.calendarPath(user, dc)
			var sb strings.Builder
			withSize := pf.mode != "prop"
			for _, q := range pf.names {
				withSize = withSize || q == dav("getcontentlength")
			}
			return h.store.EachObjectHead(ctx, dc.Calendar.ID, withSize, func(o db.ObjectHead) error {
				res.obj = &o
				sb.Reset()
				sb.WriteString(base)
				sb.WriteString(escapeSegment(o.Href))
				res.href = sb.String()
				emit(res)
				return nil
			})
		}
	case resObject:
		dc, err := h.resolveCalendar(r)
		if err != nil {
			return err
		}
		var head *db.ObjectHead
		err = h.store.EachObjectByHref(ctx, dc.Calendar.ID, []string{r.path.object}, true, func(o db.ObjectData) error {
			head = &o.ObjectHead
			return nil
		})
		if err != nil {
			return err
		}
		if head == nil {
			return errNotFound
		}
		self = resource{kind: resObject, dc: dc, obj: head, href: h.objectPath(user, dc, head.Href)}
	}
	ms := newMultistatus(w, minimal(r.Request))
	h.writeProps(ms, r, &self, pf)
	if depth == 1 && children != nil {
		if cacheKey != "" {
			if chunks, ok := h.listings.get(cacheKey, cacheSeq); ok {
				for _, b := range chunks {
					ms.w.Write(b)
				}
				return ms.end()
			}
			ms.capture(h.opts.ListingCache)
		}
		err := children(func(res *resource) { h.writeProps(ms, r, res, pf) })
		if err != nil {
			h.log.ErrorContext(ctx, "caldav: propfind listing failed", "path", r.URL.Path, "err", err)
		}
		if cacheKey != "" {
			if b := ms.captured(); b != nil && err == nil {
				h.listings.put(cacheKey, cacheSeq, b)
			}
		}
	}
	return ms.end()
}

// loadDead reads a calendar's dead properties when the request may show them.
func (h *handler) loadDead(r *request, res *resource, pf *propfindReq) error {
	if pf.mode == "prop" {
		need := false
		for _, q := range pf.names {
			if !knownProp(q) {
				need = true
				break
			}
		}
		if !need {
			return nil
		}
	}
	dead, err := h.store.GetDAVProps(r.Context(), res.dc.Calendar.ID)
	res.dead = dead
	return err
}

// deadLang returns the xml:lang of the dead property q of the resource.
func (res *resource) deadLang(q qname) string {
	if knownProp(q) {
		return ""
	}
	for _, d := range res.dead {
		if d.NS == q.Space && d.Name == q.Local {
			return d.Lang
		}
	}
	return ""
}

func (h *handler) writeProps(ms *multistatus, r *request, res *resource, pf *propfindReq) {
	switch pf.mode {
	case "propname":
		var found []prop
		for _, q := range h.allPropNames(res, true) {
			found = append(found, prop{name: q})
		}
		ms.response(res.href, found, nil)
		return
	case "allprop":
		names := append(h.allPropNames(res, false), pf.names...)
		var found []prop
		seen := map[qname]bool{}
		for _, q := range names {
			if seen[q] {
				continue
			}
			seen[q] = true
			if v, ok := h.propValue(r, res, q); ok {
				found = append(found, prop{name: q, inner: v, lang: res.deadLang(q)})
			}
		}
		ms.response(res.href, found, nil)
		return
	}
	if res.kind == resObject {
		h.writeObjectProps(ms, r, res, pf.names, nil)
		return
	}
	found := make([]prop, 0, len(pf.names))
	var missing []qname
	for _, q := range pf.names {
		if v, ok := h.propValue(r, res, q); ok {
			found = append(found, prop{name: q, inner: v, lang: res.deadLang(q)})
		} else {
			missing = append(missing, q)
		}
	}
	ms.response(res.href, found, missing)
}

var known = map[qname]bool{
	dav("resourcetype"): true, dav("displayname"): true, dav("getetag"): true, dav("getcontenttype"): true,
	dav("getcontentlength"): true, dav("getlastmodified"): true, dav("current-user-principal"): true,
	dav("principal-URL"): true, dav("principal-collection-set"): true, dav("owner"): true,
	dav("current-user-privilege-set"): true, dav("supported-report-set"): true, dav("sync-token"): true,
	cal("calendar-home-set"): true, cal("calendar-user-address-set"): true, cal("calendar-user-type"): true,
	cal("supported-calendar-component-set"): true, cal("supported-calendar-data"): true,
	cal("max-resource-size"): true, cal("calendar-description"): true, cal("calendar-timezone"): true,
	cs("getctag"): true, apple("calendar-color"): true, apple("calendar-order"): true,
	cal("calendar-data"): true, cal("max-instances"): true, dav("supportedlock"): true, dav("lockdiscovery"): true,
	cal("schedule-inbox-URL"): true, cal("schedule-outbox-URL"): true, dav("quota-available-bytes"): true,
	dav("quota-used-bytes"): true, dav("resource-id"): true, dav("creationdate"): true,
}

// knownProp reports whether q is a property Bastide computes (never a
// dead property).
func knownProp(q qname) bool { return known[q] }

func (h *handler) allPropNames(res *resource, withAll bool) []qname {
	names := []qname{dav("resourcetype"), dav("displayname")}
	switch res.kind {
	case resObject:
		names = append(names, dav("getetag"), dav("getcontenttype"), dav("getcontentlength"), dav("getlastmodified"))
	case resCalendar:
		names = append(names, dav("sync-token"), cs("getctag"), cal("calendar-description"), apple("calendar-color"))
		if withAll {
			names = append(names, cal("supported-calendar-component-set"), cal("supported-calendar-data"),
				cal("max-resource-size"), apple("calendar-order"), cal("calendar-timezone"), dav("supported-report-set"),
				dav("current-user-privilege-set"), dav("owner"))
		}
		for _, d := range res.dead {
			names = append(names, qname{d.NS, d.Name})
		}
	case resPrincipal:
		names = append(names, dav("principal-URL"), cal("calendar-home-set"), cal("calendar-user-address-set"))
	}
	if withAll {
		names = append(names, dav("current-user-principal"))
	}
	return names
}

func hrefXML(p string) string { return "<D:href>" + escapeXML(p) + "</D:href>" }

const (
	privRead  = "<D:privilege><D:read/></D:privilege><D:privilege><D:read-current-user-privilege-set/></D:privilege>"
	privWrite = "<D:privilege><D:write-content/></D:privilege><D:privilege><D:bind/></D:privilege><D:privilege><D:unbind/></D:privilege>"
	privAdmin = "<D:privilege><D:all/></D:privilege><D:privilege><D:write/></D:privilege><D:privilege><D:write-properties/></D:privilege>"
)

func privileges(dc *db.DAVCalendar) string {
	role := dc.Role
	s := privRead
	if dc.Calendar.ReadOnlySource() != "" {
		return s // a subscribed calendar changes only from its feed
	}
	if role.CanWrite() {
		s += privWrite
	}
	if role.CanAdmin() {
		s += privAdmin
	}
	return s
}

// The reports answered on each kind of resource (see handler.report): a
// home answers only sync-collection, an object all but sync-collection.
const (
	reportQueries = "<D:supported-report><D:report><C:calendar-query/></D:report></D:supported-report>" +
		"<D:supported-report><D:report><C:calendar-multiget/></D:report></D:supported-report>" +
		"<D:supported-report><D:report><C:free-busy-query/></D:report></D:supported-report>"
	reportSync = "<D:supported-report><D:report><D:sync-collection/></D:report></D:supported-report>"
)

// propValue returns the XML content of a property of a resource; false
// when the resource has no such property.
func (h *handler) propValue(r *request, res *resource, q qname) (string, bool) {
	u := r.user
	switch q {
	case dav("current-user-principal"):
		return hrefXML(h.principalPath(u.Username)), true
	case dav("principal-collection-set"):
		return hrefXML(h.principalsPath()), true
	case cal("calendar-home-set"):
		return hrefXML(h.homePath(u.Username)), true
	case dav("resourcetype"):
		switch res.kind {
		case resObject:
			return "", true
		case resPrincipal:
			return "<D:collection/><D:principal/>", true
		case resCalendar:
			return "<D:collection/><C:calendar/>", true
		}
		return "<D:collection/>", true
	case dav("owner"):
		if res.kind == resCalendar || res.kind == resHome || res.kind == resPrincipal || res.kind == resObject {
			return hrefXML(h.principalPath(u.Username)), true
		}
	case dav("supported-report-set"):
		switch res.kind {
		case resCalendar:
			return reportQueries + reportSync, true
		case resHome:
			return reportSync, true
		case resObject:
			return reportQueries, true
		}
	case dav("current-user-privilege-set"):
		switch res.kind {
		case resCalendar, resObject:
			return privileges(res.dc), true
		case resHome:
			return privRead + "<D:privilege><D:bind/></D:privilege>", true
		default:
			return "<D:privilege><D:read/></D:privilege>", true
		}
	}
	switch res.kind {
	case resPrincipal:
		switch q {
		case dav("displayname"):
			name := u.DisplayName
			if name == "" {
				name = u.Username
			}
			return escapeXML(name), true
		case dav("principal-URL"):
			return hrefXML(h.principalPath(u.Username)), true
		case cal("calendar-user-address-set"):
			s := ""
			if u.Email != "" {
				s = hrefXML("mailto:" + u.Email)
			}
			return s + hrefXML(h.principalPath(u.Username)), true
		case cal("calendar-user-type"):
			return "INDIVIDUAL", true
		}
	case resCalendar:
		return h.calendarProp(res, q)
	case resObject:
		o := res.obj
		switch q {
		case dav("getetag"):
			return escapeXML(o.ETag), true
		case dav("getcontenttype"):
			return "text/calendar; charset=utf-8; component=" + o.Component, true
		case dav("getcontentlength"):
			if o.Size < 0 {
				return "", false
			}
			return strconv.FormatInt(o.Size, 10), true
		case dav("getlastmodified"):
			return o.Updated.UTC().Format(http.TimeFormat), true
		}
	}
	return "", false
}

func (h *handler) calendarProp(res *resource, q qname) (string, bool) {
	c := res.dc.Calendar
	switch q {
	case dav("displayname"):
		if c.Name == "" || c.Name == c.Slug {
			return "", false // never show a name Bastide made up
		}
		return escapeXML(c.Name), true
	case dav("sync-token"):
		return escapeXML(syncToken(h.epoch, c.ID, c.Seq)), true
	case cs("getctag"):
		return escapeXML(syncToken(h.epoch, c.ID, c.Seq)), true
	case cal("supported-calendar-component-set"):
		s := ""
		for _, comp := range c.Components {
			s += `<C:comp name="` + escapeXML(comp) + `"/>`
		}
		return s, true
	case cal("supported-calendar-data"):
		return `<C:calendar-data content-type="text/calendar" version="2.0"/>`, true
	case cal("max-resource-size"):
		return strconv.Itoa(h.opts.Limits.MaxBytes), true
	case cal("max-instances"):
		return strconv.Itoa(h.opts.MaxExpand), true
	case cal("calendar-description"):
		if c.Description == "" {
			return "", false
		}
		return escapeXML(c.Description), true
	case cal("calendar-timezone"):
		if c.Timezone == "" {
			return "", false
		}
		return escapeXML(c.Timezone), true
	case apple("calendar-color"):
		if c.Color == "" {
			return "", false
		}
		return escapeXML(c.Color), true
	case apple("calendar-order"):
		return strconv.Itoa(c.Order), true
	}
	for _, d := range res.dead {
		if d.NS == q.Space && d.Name == q.Local {
			return d.Value, true
		}
	}
	return "", false
}

// escapeSegment escapes an object name for an href.
func escapeSegment(s string) string { return pathEscape(s) }

// writeObjectProps is the hot path of listings and reports: one object's
// response written straight to the stream. calData, when set, gives the
// content of CALDAV:calendar-data.
func (h *handler) writeObjectProps(ms *multistatus, r *request, res *resource, names []qname, calData func() (text string, escaped, ok bool)) {
	w := ms.w
	o := res.obj
	w.WriteString("<D:response><D:href>")
	xmlText(w, res.href)
	w.WriteString("</D:href><D:propstat><D:prop>")
	var missing []qname
	for _, q := range names {
		switch q {
		case dav("getetag"):
			w.WriteString("<D:getetag>")
			xmlText(w, o.ETag)
			w.WriteString("</D:getetag>")
		case dav("getcontenttype"):
			w.WriteString("<D:getcontenttype>text/calendar; charset=utf-8; component=")
			w.WriteString(o.Component)
			w.WriteString("</D:getcontenttype>")
		case dav("resourcetype"):
			w.WriteString("<D:resourcetype/>")
		case cal("calendar-data"):
			if calData == nil {
				missing = append(missing, q)
				continue
			}
			data, escaped, ok := calData()
			if !ok {
				missing = append(missing, q)
				continue
			}
			w.WriteString("<C:calendar-data>")
			if escaped {
				w.WriteString(data)
			} else {
				xmlText(w, data)
			}
			w.WriteString("</C:calendar-data>")
		default:
			if v, ok := h.propValue(r, res, q); ok {
				if v == "" {
					openTag(w, q, true)
				} else {
					openTag(w, q, false)
					w.WriteString(v)
					closeTag(w, q)
				}
			} else {
				missing = append(missing, q)
			}
		}
	}
	w.WriteString("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>")
	if len(missing) > 0 && !ms.minimal {
		w.WriteString("<D:propstat><D:prop>")
		for _, q := range missing {
			openTag(w, q, true)
		}
		w.WriteString("</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>")
	}
	w.WriteString("</D:response>")
}
