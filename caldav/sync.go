package caldav

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Sync tokens (RFC 6578) are URIs naming the calendar and a sequence of the
// change log: http://bastide.invalid/sync/{calendar id}/{seq}. The same
// string is the calendar's CS:getctag.
const syncPrefix = "http://bastide.invalid/sync/"

func syncToken(calID, seq int64) string {
	return syncPrefix + strconv.FormatInt(calID, 10) + "/" + strconv.FormatInt(seq, 10)
}

var errBadSyncToken = preconditionErr(http.StatusForbidden, dav("valid-sync-token"),
	"the sync token is not one this calendar issued; sync again from scratch")

// parseSyncToken returns the sequence of a token of this calendar.
func parseSyncToken(tok string, cal *model.Calendar) (int64, error) {
	rest, ok := strings.CutPrefix(tok, syncPrefix)
	if !ok {
		return 0, errBadSyncToken
	}
	a, b, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, errBadSyncToken
	}
	id, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || id != cal.ID || seq < 0 || seq > cal.Seq {
		return 0, errBadSyncToken
	}
	return seq, nil
}

func (h *handler) syncCollection(w http.ResponseWriter, r *request, dc *db.DAVCalendar, body *node) error {
	tok := ""
	if n := body.child(dav("sync-token")); n != nil {
		tok = strings.TrimSpace(n.Text)
	}
	if n := body.child(dav("sync-level")); n != nil {
		if l := strings.TrimSpace(n.Text); l != "1" && l != "infinite" && l != "infinity" {
			return badRequest("sync-level must be 1")
		}
	}
	limit := 0
	if n := body.child(dav("limit")); n != nil {
		if nr := n.child(dav("nresults")); nr != nil {
			v, err := strconv.Atoi(strings.TrimSpace(nr.Text))
			if err != nil || v < 1 {
				return badRequest("nresults must be a positive integer")
			}
			limit = v
		}
	}
	pf, cd, err := reportProps(body)
	if err != nil {
		return err
	}
	c := dc.Calendar
	var since int64
	if tok != "" {
		if since, err = parseSyncToken(tok, c); err != nil {
			return err
		}
	}
	ctx := r.Context()
	loc, err := h.calLocation(dc, body)
	if err != nil {
		return err
	}
	if since == 0 && limit == 0 {
		// First sync: every object, and the calendar's current token.
		ow := h.newObjectWriter(w, r, dc, pf, cd, loc)
		err := h.store.EachObjectData(ctx, c.ID, nil, "", ow.needsData(), func(o db.ObjectData) error {
			ow.write(o)
			return nil
		})
		if err != nil {
			h.log.ErrorContext(ctx, "caldav: sync-collection failed", "path", r.URL.Path, "err", err)
		}
		ow.ms.raw("<D:sync-token>" + escapeXML(syncToken(c.ID, c.Seq)) + "</D:sync-token>")
		return ow.ms.end()
	}
	// From the change log: the last change of each href wins.
	type entry struct {
		kind model.ChangeKind
		seq  int64
	}
	last := map[string]entry{}
	var order []string
	cursor, newSeq := since, c.Seq
	truncated := false
scan:
	for {
		chs, err := h.store.CalendarChanges(ctx, c.ID, cursor, db.MaxChangePage)
		if err != nil {
			return err
		}
		for _, ch := range chs {
			if _, seen := last[ch.Href]; !seen {
				if limit > 0 && len(order) >= limit {
					truncated = true
					newSeq = cursor
					break scan
				}
				order = append(order, ch.Href)
			}
			last[ch.Href] = entry{ch.Kind, ch.Seq}
			cursor = ch.Seq
		}
		if len(chs) < db.MaxChangePage {
			break
		}
	}
	if !truncated && cursor > newSeq {
		newSeq = cursor
	}
	var puts []string
	for _, href := range order {
		if last[href].kind == model.ChangePut {
			puts = append(puts, href)
		}
	}
	ow := h.newObjectWriter(w, r, dc, pf, cd, loc)
	present := map[string]bool{}
	err = h.store.EachObjectByHref(ctx, c.ID, puts, ow.needsData(), func(o db.ObjectData) error {
		present[o.Href] = true
		ow.write(o)
		return nil
	})
	if err != nil {
		h.log.ErrorContext(ctx, "caldav: sync-collection failed", "path", r.URL.Path, "err", err)
	}
	if since > 0 {
		for _, href := range order {
			if !present[href] {
				ow.ms.status(ow.base+escapeSegment(href), http.StatusNotFound)
			}
		}
	}
	if truncated {
		ow.ms.status(ow.base, http.StatusInsufficientStorage)
	}
	ow.ms.raw("<D:sync-token>" + escapeXML(syncToken(c.ID, newSeq)) + "</D:sync-token>")
	return ow.ms.end()
}

// syncHome answers sync-collection on the calendar home (Apple asks): the
// calendars, with the properties asked, and a token of the change log.
func (h *handler) syncHome(w http.ResponseWriter, r *request, body *node) error {
	const homePrefix = syncPrefix + "home/"
	if n := body.child(dav("sync-token")); n != nil {
		if tok := strings.TrimSpace(n.Text); tok != "" {
			rest, ok := strings.CutPrefix(tok, homePrefix)
			if _, err := strconv.ParseInt(rest, 10, 64); !ok || err != nil {
				return errBadSyncToken
			}
		}
	}
	pf, _, err := reportProps(body)
	if err != nil {
		return err
	}
	seq, err := h.store.LastSeq(r.Context())
	if err != nil {
		return err
	}
	cals, err := h.store.ListDAVCalendars(r.Context(), r.user.ID)
	if err != nil {
		return err
	}
	ms := newMultistatus(w, minimal(r.Request))
	for i := range cals {
		res := &resource{kind: resCalendar, href: h.calendarPath(r.user.Username, &cals[i]), dc: &cals[i]}
		h.writeProps(ms, r, res, pf)
	}
	ms.raw("<D:sync-token>" + homePrefix + strconv.FormatInt(seq, 10) + "</D:sync-token>")
	return ms.end()
}
