package caldav

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Calendar creation (MKCALENDAR, and extended MKCOL of RFC 5689 with a
// CALDAV:calendar resourcetype) means, by the name the client chose in its
// own home, /dav/calendars/{user}/{name}/:
//
//   - {name} without a dot: a personal calendar of the user. The name must
//     be made of letters, digits and inner hyphens (an upper-case UUID is
//     fine: the URL keeps the client's spelling).
//   - {association}.{calendar}: a new calendar of that association, which
//     only the association's owners may create. For anyone else the answer
//     is the same 403 whether the association exists or not.
//
// The collection is created exactly at the URL asked for (a client never
// has to adopt a name Bastide made up), with the properties of the body
// (displayname, calendar-description, supported-calendar-component-set,
// calendar-timezone, Apple calendar-color and calendar-order; other
// properties are kept as dead properties). New calendars are private: an
// owner makes an association calendar public in the web admin.

func (h *handler) mkcalendar(w http.ResponseWriter, r *request) error {
	p := r.path
	if p.kind != resCalendar {
		if p.kind == resObject {
			if _, err := h.resolveCalendar(r); err != nil {
				return err
			}
			return errInsideCalendar
		}
		return preconditionErr(http.StatusForbidden, dav("resource-must-be-null"), "something exists here already: calendars are created directly in your calendar home, "+h.homePath(r.user.Username))
	}
	body, err := h.readXMLBody(r.Request)
	if err != nil {
		return xmlBodyErr(err)
	}
	var ups []propUpdate
	if r.Method == "MKCOL" {
		if body == nil {
			return preconditionErr(http.StatusForbidden, dav("valid-resourcetype"), "only calendar collections can be created: send an extended MKCOL with a CALDAV:calendar resourcetype, or MKCALENDAR")
		}
		if ups, err = parsePropertyUpdate(body, dav("mkcol")); err != nil {
			return err
		}
		isCal := false
		for _, up := range ups {
			if up.n.is(dav("resourcetype")) && up.n.child(cal("calendar")) != nil {
				isCal = true
			}
		}
		if !isCal {
			return preconditionErr(http.StatusForbidden, dav("valid-resourcetype"), "only calendar collections can be created")
		}
	} else if body != nil {
		if ups, err = parsePropertyUpdate(body, cal("mkcalendar")); err != nil {
			return err
		}
	}
	for _, up := range ups {
		if up.n.is(dav("resourcetype")) && up.n.child(cs("subscribed")) != nil {
			// Apple asks the server to keep subscriptions; Bastide does not
			// fetch feeds for clients: the app keeps the subscription itself.
			return preconditionErr(http.StatusForbidden, dav("valid-resourcetype"), "subscribed calendars are not stored on the server; subscribe in the app")
		}
	}
	ctx := r.Context()
	c := &model.Calendar{Slug: p.slug, Name: p.slug, Components: []string{"VEVENT", "VTODO"}}
	segment := ""
	if p.assoc == "" {
		c.Kind, c.OwnerUserID = model.CalendarPersonal, r.user.ID
		if p.calSeg != p.slug {
			segment = p.calSeg
		}
	} else {
		a, err := h.store.GetAssociationBySlug(ctx, p.assoc)
		if errors.Is(err, db.ErrNotFound) {
			return errForbidden
		}
		if err != nil {
			return err
		}
		role, err := h.store.GetRole(ctx, r.user.ID, a.ID)
		if errors.Is(err, db.ErrNotFound) {
			return errForbidden
		}
		if err != nil {
			return err
		}
		if !role.CanAdmin() {
			return errForbidden
		}
		c.Kind, c.AssociationID = model.CalendarAssociation, a.ID
	}
	if _, err := h.resolveCalendar(r); err == nil {
		return errCalendarExists(r.Method)
	} else if !errors.Is(err, errNotFound) {
		return err
	}
	var dead []db.DAVProp
	problems := map[int]string{} // the first reason of each failing status
	// RFC 4791 §5.3.1 and RFC 5689 §3: every property is set or the
	// calendar is not created; the answer says which property failed.
	statuses := make([]int, len(ups))
	failed := false
	for i, up := range ups {
		statuses[i] = http.StatusOK
		if up.remove {
			continue
		}
		switch {
		case up.n.is(dav("resourcetype")):
			continue
		case up.n.is(cal("supported-calendar-component-set")):
			var comps []string
			for _, cn := range up.n.Children {
				if cn.is(cal("comp")) {
					name := strings.ToUpper(cn.attr("name"))
					if name != "VEVENT" && name != "VTODO" {
						return preconditionErr(http.StatusForbidden, cal("supported-calendar-component"), "Bastide calendars hold VEVENT and VTODO only")
					}
					comps = append(comps, name)
				}
			}
			if len(comps) > 0 {
				c.Components = comps
			}
			continue
		}
		handled, code, problem := h.applyCalendarProp(c, up)
		if !handled {
			d := db.DAVProp{NS: up.n.Space, Name: up.n.Local, Value: up.n.innerXML(), Lang: up.lang}
			if len(d.Value) > db.MaxDAVPropValue {
				statuses[i], failed = http.StatusInsufficientStorage, true
				problems[http.StatusInsufficientStorage] = "a property value is larger than " + itoa(db.MaxDAVPropValue) + " bytes"
				continue
			}
			dead = append(dead, d)
			continue
		}
		if code != http.StatusOK {
			statuses[i], failed = code, true
			if problems[code] == "" {
				problems[code] = problem
			}
		}
	}
	if failed {
		return h.mkcalendarFailed(w, r, ups, statuses, problems)
	}
	if err := h.store.CreateDAVCalendar(ctx, c, segment, dead); err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			return badRequest(ve.Error())
		}
		if errors.Is(err, db.ErrConflict) {
			return errCalendarExists(r.Method)
		}
		return err
	}
	w.Header().Set("Location", h.homePath(r.user.Username)+pathEscape(p.calSeg)+"/")
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
	return nil
}

// errInsideCalendar refuses to create a collection inside a calendar:
// calendars hold objects only (RFC 4791 §4.2).
var errInsideCalendar = preconditionErr(http.StatusForbidden, cal("calendar-collection-location-ok"),
	"calendars cannot be created inside a calendar: create it directly in your calendar home")

// errCalendarExists refuses to create a calendar where one is: 403 for
// MKCALENDAR (RFC 4791 §5.3.1.1), 405 for MKCOL (RFC 4918 §9.3.1), both
// with DAV:resource-must-be-null.
func errCalendarExists(method string) error {
	code := http.StatusForbidden
	if method == "MKCOL" {
		code = http.StatusMethodNotAllowed
	}
	return preconditionErr(code, dav("resource-must-be-null"), "a calendar already exists at this URL")
}

// mkcalendarFailed answers a creation refused because of some of its
// properties: 403 with a CALDAV:mkcalendar-response (RFC 4791 §5.3.1.2) or
// a DAV:mkcol-response (RFC 5689 §3.5) giving each property its status,
// 424 for those that were fine.
func (h *handler) mkcalendarFailed(w http.ResponseWriter, r *request, ups []propUpdate, statuses []int, problems map[int]string) error {
	root := cal("mkcalendar-response")
	if r.Method == "MKCOL" {
		root = dav("mkcol-response")
	}
	groups := map[int][]qname{}
	for i, up := range ups {
		code := statuses[i]
		if code == http.StatusOK {
			code = http.StatusFailedDependency
		}
		groups[code] = append(groups[code], up.n.qname)
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	bw.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	rootName := prefixes[root.Space] + ":" + root.Local
	bw.WriteString("<" + rootName + nsDecls + ">")
	for _, code := range []int{http.StatusForbidden, http.StatusConflict, http.StatusInsufficientStorage, http.StatusFailedDependency} {
		names := groups[code]
		if len(names) == 0 {
			continue
		}
		bw.WriteString("<D:propstat><D:prop>")
		for _, q := range names {
			openTag(bw, q, true)
		}
		bw.WriteString("</D:prop><D:status>" + statusLine(code) + "</D:status>")
		if p := problems[code]; p != "" {
			bw.WriteString("<D:responsedescription>")
			xmlText(bw, p)
			bw.WriteString("</D:responsedescription>")
		}
		bw.WriteString("</D:propstat>")
	}
	bw.WriteString("</" + rootName + ">\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Length", itoa(buf.Len()))
	w.WriteHeader(http.StatusForbidden)
	_, err := w.Write(buf.Bytes())
	return err
}

func (h *handler) deleteCalendar(w http.ResponseWriter, r *request) error {
	dc, err := h.resolveCalendar(r)
	if err != nil {
		return err
	}
	if !dc.Role.CanAdmin() {
		return preconditionErr(http.StatusForbidden, dav("need-privileges"), "only the association's owners may delete its calendars")
	}
	if dc.Calendar.Withdrawn {
		return archivedErr()
	}
	if err := h.store.DeleteCalendar(r.Context(), dc.Calendar.ID); err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return errNotFound
		}
		return err
	}
	h.objects.forget(dc.Calendar.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
