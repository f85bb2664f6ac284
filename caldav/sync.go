package caldav

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Sync tokens (RFC 6578) are URIs naming the database's epoch, the
// calendar and a sequence of the change log:
// http://bastide.invalid/sync/{epoch}/{calendar id}/{seq}. The same string
// is the calendar's CS:getctag. The epoch (db.Store.Epoch) differs in a
// restored backup, so that tokens handed out after the backup was taken
// are refused (DAV:valid-sync-token) and clients sync again from scratch,
// instead of missing the changes the backup lacks; those handed out before
// it still hold (db.Store.TokenEpoch). A first sync cut at the
// answer's size limit hands out a token that also names the last object
// sent, {seq}/{href}: the next request lists the objects after it, and its
// token is then {seq} again, so that the changes made meanwhile are
// replayed.
const syncPrefix = "http://bastide.invalid/sync/"

func syncToken(epoch string, calID, seq int64) string {
	return syncPrefix + epoch + "/" + strconv.FormatInt(calID, 10) + "/" + strconv.FormatInt(seq, 10)
}

var errBadSyncToken = preconditionErr(http.StatusForbidden, dav("valid-sync-token"),
	"the sync token is not one this calendar issued; sync again from scratch")

// errPrunedSyncToken refuses a token older than what the change log keeps
// (db.Store.PruneChanges): RFC 6578 §3.2 has the client sync again.
var errPrunedSyncToken = preconditionErr(http.StatusForbidden, dav("valid-sync-token"),
	"the sync token is older than the changes this server keeps; sync again from scratch")

// epochs tells up to which seq tokens of an epoch hold (db.Store.TokenEpoch).
type epochs interface {
	TokenEpoch(e string) (maxSeq int64, ok bool)
}

// parseSyncToken returns the sequence of a token of this calendar and of
// an epoch that still holds at that sequence (this copy's, or one it was
// restored from, up to the backup), and the object after which a first
// sync continues ("" if none).
func parseSyncToken(tok string, ep epochs, cal *model.Calendar) (seq int64, after string, err error) {
	rest, ok := strings.CutPrefix(tok, syncPrefix)
	if !ok {
		return 0, "", errBadSyncToken
	}
	parts := strings.SplitN(rest, "/", 4)
	if len(parts) < 3 {
		return 0, "", errBadSyncToken
	}
	maxSeq, ok := ep.TokenEpoch(parts[0])
	if !ok {
		return 0, "", errBadSyncToken
	}
	if len(parts) == 4 {
		if after, ok = cleanSegment(parts[3]); !ok {
			return 0, "", errBadSyncToken
		}
	}
	id, err1 := strconv.ParseInt(parts[1], 10, 64)
	seq, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id != cal.ID || seq < 0 || seq > cal.Seq || seq > maxSeq {
		return 0, "", errBadSyncToken
	}
	return seq, after, nil
}

// objectReader reads the objects a sync-collection answer lists: the
// store, or in tests a store that fails part-way.
type objectReader interface {
	EachObjectData(ctx context.Context, calendarID int64, ids []int64, component string, withData bool, fn func(db.ObjectData) error) error
	EachObjectByHref(ctx context.Context, calendarID int64, hrefs []string, withData bool, fn func(db.ObjectData) error) error
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
	after := ""
	if tok != "" {
		if since, after, err = parseSyncToken(tok, h.store, c); err != nil {
			return err
		}
		floor, err := h.store.SyncFloor(r.Context(), c.ID)
		if err != nil {
			return err
		}
		if since < floor {
			return errPrunedSyncToken
		}
	}
	ctx := r.Context()
	loc, err := h.calLocation(dc, body)
	if err != nil {
		return err
	}
	if (since == 0 && limit == 0) || after != "" {
		// First sync: every object (after the one a cut answer ended
		// with), and the calendar's current token (or the one the first
		// page was given).
		seq := c.Seq
		if after != "" {
			seq = since
		}
		ow := h.newObjectWriter(w, r, dc, pf, cd, loc)
		last := ""
		err := h.reader.EachObjectData(ctx, c.ID, nil, "", ow.needsData(), func(o db.ObjectData) error {
			if o.Href <= after {
				return nil
			}
			if err := ow.write(o); err != nil {
				return err
			}
			last = o.Href
			return nil
		})
		if err != nil && !errors.Is(err, errAnswerFull) {
			return h.abortSync(ow, r, err)
		}
		next := syncToken(h.epoch, c.ID, seq)
		if ow.full {
			if last == "" {
				return h.noProgress(ow)
			}
			next += "/" + escapeSegment(last)
		}
		return h.endSync(ow, next)
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
	written := map[string]bool{}
	err = h.reader.EachObjectByHref(ctx, c.ID, puts, ow.needsData(), func(o db.ObjectData) error {
		present[o.Href] = true
		if err := ow.write(o); err != nil {
			return err
		}
		written[o.Href] = true
		return nil
	})
	if err != nil && !errors.Is(err, errAnswerFull) {
		// Reporting the objects not read as deleted, with a new token,
		// would make clients drop objects that still exist.
		return h.abortSync(ow, r, err)
	}
	for _, href := range order {
		if present[href] {
			continue
		}
		if ow.full {
			break
		}
		if since > 0 {
			ow.ms.status(ow.base+escapeSegment(href), http.StatusNotFound)
		}
		written[href] = true
	}
	if ow.full && len(written) == 0 {
		return h.noProgress(ow)
	}
	if ow.full {
		// The token covers every change before the first one not sent.
		for _, href := range order {
			if !written[href] && last[href].seq-1 < newSeq {
				newSeq = last[href].seq - 1
			}
		}
	}
	if truncated && !ow.full {
		ow.ms.truncated(ow.base, "more than "+itoa(limit)+" changes (DAV:nresults); sync again from the token given")
	}
	return h.endSync(ow, syncToken(h.epoch, c.ID, newSeq))
}

// endSync closes a sync-collection answer with its token.
func (h *handler) endSync(ow *objectWriter, token string) error {
	if ow.full {
		ow.ms.truncated(ow.base, "the answer reached the server's size limit of "+itoa(h.opts.MaxAnswer>>10)+
			" KiB; sync again from the token given")
		ow.full = false
	}
	ow.ms.raw("<D:sync-token>" + escapeXML(token) + "</D:sync-token>")
	return ow.end()
}

// noProgress refuses a sync-collection whose first object alone does not
// fit in the answer: a token could not move past it.
func (h *handler) noProgress(ow *objectWriter) error {
	ow.ms.abort()
	return preconditionErr(http.StatusForbidden, dav("number-of-matches-within-limits"),
		"an object does not fit in the server's answer size limit of "+itoa(h.opts.MaxAnswer>>10)+" KiB; sync without expand")
}

// abortSync gives up a sync-collection answer after a read error: no
// token may be handed out for an incomplete answer. If nothing was sent
// yet the client gets a 500; otherwise the connection is cut.
func (h *handler) abortSync(ow *objectWriter, r *request, err error) error {
	if !errors.Is(err, context.Canceled) {
		h.log.ErrorContext(r.Context(), "caldav: sync-collection failed", "path", r.URL.Path, "err", err)
	}
	ow.ms.abort()
	return err
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
