package caldav

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// parseETags reads an If-Match / If-None-Match list. Evolution sometimes
// escapes the quotes (\"...\"): accepted. Weak tags never match (strong
// comparison), so they are dropped.
func parseETags(v string) (tags []string, any bool) {
	v = strings.ReplaceAll(v, `\"`, `"`)
	for _, t := range strings.Split(v, ",") {
		t = strings.TrimSpace(t)
		switch {
		case t == "*":
			any = true
		case strings.HasPrefix(t, "W/"):
		case len(t) >= 2 && strings.HasPrefix(t, `"`) && strings.HasSuffix(t, `"`):
			tags = append(tags, t)
		case t != "":
			tags = append(tags, `"`+t+`"`)
		}
	}
	return tags, any
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (h *handler) get(w http.ResponseWriter, r *request) error {
	if r.path.kind != resObject {
		if r.path.kind == resCalendar {
			if _, err := h.resolveCalendar(r); err != nil {
				return err
			}
		}
		return &httpError{code: http.StatusMethodNotAllowed, msg: "collections have no content to GET; use PROPFIND or REPORT"}
	}
	head, data, err := h.readObject(r)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", head.ETag)
	w.Header().Set("Last-Modified", head.Updated.UTC().Format(http.TimeFormat))
	if v := r.Header.Get("If-None-Match"); v != "" {
		if tags, any := parseETags(v); any || contains(tags, head.ETag) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	if v := r.Header.Get("If-Match"); v != "" {
		if tags, any := parseETags(v); !any && !contains(tags, head.ETag) {
			return &httpError{code: http.StatusPreconditionFailed, msg: "the object has changed (ETag mismatch)"}
		}
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; component="+head.Component)
	w.Header().Set("Content-Length", itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
	return nil
}

// readObject returns the object of a GET or HEAD. With the object cache,
// the calendar is resolved as for any request and the object comes from
// the cache (brought up to the calendar's sequence) or, failing that, from
// that very calendar, then goes into the cache. Without it, one query both
// reaches the calendar and reads the object. A calendar out of reach and a
// missing object give the same 404.
func (h *handler) readObject(r *request) (db.ObjectHead, []byte, error) {
	ctx := r.Context()
	if h.objects == nil {
		e, err := h.store.GetDAVObject(ctx, r.user.ID, r.path.assoc, r.path.slug, r.path.object)
		if errors.Is(err, db.ErrNotFound) {
			return db.ObjectHead{}, nil, errNotFound
		}
		if err != nil {
			return db.ObjectHead{}, nil, err
		}
		return e.ObjectHead, []byte(e.Data), nil
	}
	dc, err := h.resolveCalendar(r)
	if err != nil {
		return db.ObjectHead{}, nil, err
	}
	calID := dc.Calendar.ID
	at, cached := h.objects.sync(ctx, h.store, dc.Calendar)
	if cached {
		if o := h.objects.getOne(calID, at, r.path.object); o != nil {
			if data, ok := xmlUnescape(o.esc, int(o.head.Size)); ok {
				return o.head, data, nil
			}
		}
	}
	var found *db.ObjectData
	err = h.store.EachObjectByHref(ctx, calID, []string{r.path.object}, true, func(o db.ObjectData) error {
		found = &o
		return nil
	})
	if err != nil {
		return db.ObjectHead{}, nil, err
	}
	if found == nil {
		return db.ObjectHead{}, nil, errNotFound
	}
	if cached {
		// As a multiget's reads: kept only if the part did not move.
		h.objects.fill(calID, at, []*cachedObject{newCachedObject(found.ObjectHead, found.Data)})
	}
	return found.ObjectHead, []byte(found.Data), nil
}

// icalError maps an intake failure to its CalDAV precondition.
func icalError(err error) error {
	var ie *ical.Error
	if !errors.As(err, &ie) {
		return err
	}
	switch ie.Kind {
	case ical.KindTooLarge:
		return preconditionErr(http.StatusForbidden, cal("max-resource-size"), ie.Msg)
	case ical.KindUnsupportedComponent:
		return preconditionErr(http.StatusForbidden, cal("supported-calendar-component"), ie.Msg)
	case ical.KindInvalidObject:
		return preconditionErr(http.StatusForbidden, cal("valid-calendar-object-resource"), ie.Msg)
	case ical.KindTooManyInstances:
		return preconditionErr(http.StatusForbidden, cal("max-instances"), ie.Msg)
	}
	return preconditionErr(http.StatusForbidden, cal("valid-calendar-data"), ie.Msg)
}

// readObjectBody reads a PUT body up to the max-resource-size.
func (h *handler) readObjectBody(w http.ResponseWriter, r *request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "text/calendar" && mt != "application/octet-stream" && mt != "text/plain") {
			return nil, preconditionErr(http.StatusForbidden, cal("supported-calendar-data"), "calendar objects must be sent as text/calendar")
		}
	}
	max := int64(h.opts.Limits.MaxBytes)
	if r.ContentLength > max {
		w.Header().Set("Connection", "close")
		return nil, preconditionErr(http.StatusForbidden, cal("max-resource-size"), "the object is larger than the max-resource-size of "+itoa(int(max))+" bytes")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, badRequest("cannot read the request body")
	}
	if int64(len(data)) > max {
		w.Header().Set("Connection", "close")
		return nil, preconditionErr(http.StatusForbidden, cal("max-resource-size"), "the object is larger than the max-resource-size of "+itoa(int(max))+" bytes")
	}
	return data, nil
}

// fixThunderbird drops the DURATION:PT0S that Thunderbird writes next to
// DTEND in a rescheduled occurrence (RFC 5545 forbids both); it reports
// whether it changed the data.
func (h *handler) fixThunderbird(data []byte) ([]byte, bool) {
	if !bytes.Contains(data, []byte("DURATION:PT0S")) || !bytes.Contains(data, []byte("DTEND")) {
		return data, false
	}
	cal, err := ical.Decode(data, h.opts.Limits)
	if err != nil {
		return data, false
	}
	changed := false
	for _, c := range cal.Children {
		if c.Name != "VEVENT" || c.Props.Get("DTEND") == nil {
			continue
		}
		if d := c.Props.Get("DURATION"); d != nil && strings.TrimSpace(d.Value) == "PT0S" {
			c.Props.Del("DURATION")
			changed = true
		}
	}
	if !changed {
		return data, false
	}
	out, err := ical.Encode(cal)
	if err != nil {
		return data, false
	}
	return out, true
}

// eventFromData parses and checks an object for a calendar; its expansion
// stops when ctx is done.
func (h *handler) eventFromData(ctx context.Context, dc *db.DAVCalendar, name string, data []byte) (*model.Event, error) {
	e, err := ical.CalendarEvent(ctx, data, dc.Calendar, name, h.now(), h.opts.Limits)
	if err != nil {
		return nil, icalError(err)
	}
	return e, nil
}

// storeError maps a store write failure.
func (h *handler) storeError(user string, dc *db.DAVCalendar, err error) error {
	var uc *db.UIDConflictError
	var ve *model.ValidationError
	switch {
	case errors.As(err, &uc):
		msg := "another object of this calendar already has this UID"
		if uc.Overwrite {
			msg = "the object at this URL has another UID: delete it first, or store the new object under another name"
		}
		return &httpError{code: http.StatusForbidden, precond: cal("no-uid-conflict"), href: h.objectPath(user, dc, uc.Href), msg: msg}
	case errors.Is(err, db.ErrPrecondition):
		return &httpError{code: http.StatusPreconditionFailed, msg: "the object has changed (If-Match / If-None-Match failed)"}
	case errors.Is(err, db.ErrWithdrawn):
		return archivedErr() // archived while the request was on its way
	case errors.As(err, &ve):
		return preconditionErr(http.StatusForbidden, cal("valid-calendar-object-resource"), ve.Error())
	}
	return err
}

func (h *handler) put(w http.ResponseWriter, r *request) error {
	if r.path.kind != resObject {
		if r.path.kind == resCalendar {
			if _, err := h.resolveCalendar(r); err != nil {
				return err
			}
		}
		return &httpError{code: http.StatusMethodNotAllowed, msg: "PUT needs an object URL inside a calendar"}
	}
	dc, err := h.resolveCalendar(r)
	if errors.Is(err, errNotFound) {
		return h.missingParent(r)
	}
	if err != nil {
		return err
	}
	if err := mayWrite(dc); err != nil {
		return err
	}
	data, err := h.readObjectBody(w, r)
	if err != nil {
		return err
	}
	data, changed := h.fixThunderbird(data)
	e, err := h.eventFromData(r.Context(), dc, r.path.object, data)
	if err != nil {
		return err
	}
	put := db.Put{Event: e}
	if v := r.Header.Get("If-None-Match"); v != "" {
		tags, any := parseETags(v)
		if any {
			put.IfNoneMatch = true
		} else if len(tags) > 0 {
			cur, err := h.currentETag(r, dc)
			if err != nil {
				return err
			}
			if contains(tags, cur) {
				return &httpError{code: http.StatusPreconditionFailed, msg: "the object has this ETag already"}
			}
		}
	}
	if v := r.Header.Get("If-Match"); v != "" {
		tags, any := parseETags(v)
		switch {
		case any:
			put.IfMatch = "*"
		case len(tags) == 1:
			put.IfMatch = tags[0]
		case len(tags) > 1:
			cur, err := h.currentETag(r, dc)
			if err != nil {
				return err
			}
			put.IfMatch = tags[0]
			if contains(tags, cur) {
				put.IfMatch = cur
			}
		default:
			return &httpError{code: http.StatusPreconditionFailed, msg: "If-Match names no strong ETag"}
		}
	}
	res, err := h.store.PutEvent(r.Context(), put)
	if err != nil {
		return h.storeError(r.user.Username, dc, err)
	}
	if !res.Unchanged {
		h.objects.written(r.Context(), h.store, dc.Calendar, res.PrevSeq, res.Seq, newCachedObject(db.ObjectHead{ID: e.ID, Href: e.Href,
			ETag: e.ETag, Component: e.Component, Updated: e.Updated}, e.Data))
	}
	if !changed {
		// RFC 4791 §5.3.4: no ETag when the stored data is not what was sent.
		w.Header().Set("ETag", e.ETag)
	}
	if res.Created {
		w.Header().Set("Location", h.objectPath(r.user.Username, dc, r.path.object))
		w.WriteHeader(http.StatusCreated)
	} else {
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

func (h *handler) currentETag(r *request, dc *db.DAVCalendar) (string, error) {
	cur := ""
	err := h.store.EachObjectByHref(r.Context(), dc.Calendar.ID, []string{r.path.object}, false, func(o db.ObjectData) error {
		cur = o.ETag
		return nil
	})
	return cur, err
}

func (h *handler) delete(w http.ResponseWriter, r *request) error {
	switch r.path.kind {
	case resCalendar:
		return h.deleteCalendar(w, r)
	case resObject:
	default:
		return errForbidden
	}
	dc, err := h.resolveCalendar(r)
	if err != nil {
		return err
	}
	if err := mayWrite(dc); err != nil {
		return err
	}
	ifMatch := ""
	if v := r.Header.Get("If-Match"); v != "" {
		tags, any := parseETags(v)
		switch {
		case any:
			ifMatch = "*"
		case len(tags) == 0:
			return &httpError{code: http.StatusPreconditionFailed, msg: "If-Match names no strong ETag"}
		case len(tags) == 1:
			ifMatch = tags[0]
		default:
			cur, err := h.currentETag(r, dc)
			if err != nil {
				return err
			}
			ifMatch = tags[0]
			if contains(tags, cur) {
				ifMatch = cur
			}
		}
	}
	if _, err := h.store.DeleteEvent(r.Context(), dc.Calendar.ID, r.path.object, ifMatch); err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return errNotFound
		}
		return h.storeError(r.user.Username, dc, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// moveCopy copies (and for MOVE, then deletes) an object to another
// object URL of a calendar the user may write: the destination is resolved
// exactly like a request path, so it never reaches a calendar the user
// cannot reach.
func (h *handler) moveCopy(w http.ResponseWriter, r *request) error {
	if r.path.kind != resObject {
		if r.path.kind == resCalendar {
			if _, err := h.resolveCalendar(r); err != nil {
				return err
			}
		}
		return preconditionErr(http.StatusForbidden, dav("cannot-modify-protected-property"), "only calendar objects can be moved or copied")
	}
	src, err := h.resolveCalendar(r)
	if err != nil {
		return err
	}
	dest := r.Header.Get("Destination")
	dp, ok := "", false
	if u, err := url.Parse(dest); err == nil && dest != "" {
		if u.Host == "" || u.Host == r.Host {
			dp, ok = u.EscapedPath(), true
		}
	}
	if !ok {
		return badRequest("the Destination header must be an object URL on this server")
	}
	dpath, ok := parsePath(h.opts.Prefix, dp)
	if !ok || dpath.kind != resObject || dpath.user != r.user.Username {
		return errForbidden
	}
	dst, err := h.resolveCalendarOf(r.Context(), r.user, dpath)
	if err != nil {
		return errForbidden
	}
	if err := mayWrite(dst); err != nil {
		return err
	}
	if r.Method == "MOVE" {
		if err := mayWrite(src); err != nil {
			return err
		}
	}
	if src.Calendar.ID == dst.Calendar.ID && r.path.object == dpath.object {
		return errForbidden
	}
	e, err := h.store.GetEventByHref(r.Context(), src.Calendar.ID, r.path.object)
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	ne, err := h.eventFromData(r.Context(), dst, dpath.object, []byte(e.Data))
	if err != nil {
		return err
	}
	put := db.Put{Event: ne}
	if r.Header.Get("Overwrite") == "F" {
		put.IfNoneMatch = true
	}
	// The source goes and the destination comes in one transaction (the
	// UID of the source is free again when both are in the same calendar).
	res, err := h.store.CopyEvent(r.Context(), put, src.Calendar.ID, r.path.object, e.ETag, r.Method == "MOVE")
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return h.storeError(r.user.Username, dst, err)
	}
	w.Header().Set("ETag", ne.ETag)
	if res.Created {
		w.WriteHeader(http.StatusCreated)
	} else {
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

// mayWrite is the one rule for changing a calendar's objects over CalDAV:
// the user's role must allow writing, and a calendar that follows an ICS
// feed takes its events from that address only.
func mayWrite(dc *db.DAVCalendar) error {
	if !dc.Role.CanWrite() {
		return preconditionErr(http.StatusForbidden, dav("need-privileges"), "your role in this association is read-only")
	}
	return followsFeed(dc)
}

// archivedErr refuses a change to a calendar of an archived association.
func archivedErr() error {
	return preconditionErr(http.StatusForbidden, dav("need-privileges"),
		"this calendar's association is archived, so its calendars are read-only: an administrator of Bastide can un-archive it")
}

// followsFeed refuses a change to a read-only calendar, saying why: its
// association is archived, or it is a copy of a feed, named.
func followsFeed(dc *db.DAVCalendar) error {
	if dc.Calendar.Withdrawn {
		return archivedErr()
	}
	if src := dc.Calendar.ReadOnlySource(); src != "" {
		return preconditionErr(http.StatusForbidden, dav("need-privileges"),
			"this calendar is a copy of "+src+" and is read-only: change its events at that address; Bastide follows it")
	}
	return nil
}
