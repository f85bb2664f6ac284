package caldav

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/ical"
)

type busyPeriod struct {
	start, end time.Time
	tentative  bool
}

// freeBusy answers CALDAV:free-busy-query (RFC 4791 §7.10) from the
// instance index: VEVENT occurrences overlapping the range, except
// cancelled ones and transparent events, merged into FREEBUSY periods.
func (h *handler) freeBusy(w http.ResponseWriter, r *request, dc *db.DAVCalendar, body *node) error {
	trn := body.child(cal("time-range"))
	if trn == nil {
		return preconditionErr(http.StatusBadRequest, cal("valid-filter"), "free-busy-query needs a time-range")
	}
	tr, err := parseTimeRange(trn)
	if err != nil {
		return err
	}
	if tr.start.IsZero() || tr.end.IsZero() {
		return preconditionErr(http.StatusBadRequest, cal("valid-filter"), "free-busy-query needs a time-range with start and end")
	}
	ctx := r.Context()
	loc, err := h.calLocation(dc, body)
	if err != nil {
		return err
	}
	byEvent := map[int64][]busyPeriod{}
	// The answer is bounded like the other reports: a FREEBUSY period
	// takes about 40 bytes.
	total, maxPeriods := 0, h.opts.MaxAnswer/40
	err = h.store.EachInstanceInRange(ctx, dc.Calendar.ID, tr.start, tr.end, maxZoneOffset, func(in db.DAVInstance) error {
		if in.Component != "VEVENT" || in.Status == "CANCELLED" {
			return nil
		}
		s, e := in.Start, in.End
		if in.Wall {
			s, e = fromWall(s, loc), fromWall(e, loc)
		}
		if !overlaps(s, e, tr) || s.Equal(e) {
			return nil
		}
		if len(byEvent[in.EventID]) < h.opts.MaxExpand {
			if total++; total > maxPeriods {
				return errAnswerFull
			}
			byEvent[in.EventID] = append(byEvent[in.EventID], busyPeriod{s, e, in.Status == "TENTATIVE"})
		}
		return nil
	})
	if errors.Is(err, errAnswerFull) {
		return h.freeBusyTooLarge()
	}
	if err != nil {
		return err
	}
	capped, err := h.store.ListCappedBounds(ctx, dc.Calendar.ID)
	if err != nil {
		return err
	}
	var recheck []int64
	for _, c := range capped {
		if c.Component == "VEVENT" && (!c.HasStored || tr.start.Before(c.First.Add(maxZoneOffset)) || tr.end.After(c.Last.Add(-maxZoneOffset))) {
			recheck = append(recheck, c.EventID)
		}
	}
	ids := make([]int64, 0, len(byEvent)+len(recheck))
	for id := range byEvent {
		ids = append(ids, id)
	}
	ids = append(ids, recheck...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	recheckSet := map[int64]bool{}
	for _, id := range recheck {
		recheckSet[id] = true
	}
	err = h.store.EachObjectData(ctx, dc.Calendar.ID, ids, "VEVENT", true, func(o db.ObjectData) error {
		transparent := strings.Contains(o.Data, "TRANSP:TRANSPARENT")
		if !transparent && !recheckSet[o.ID] {
			return nil
		}
		obj, err := ical.ParseObject([]byte(o.Data), h.opts.Limits)
		if err != nil {
			total -= len(byEvent[o.ID])
			delete(byEvent, o.ID)
			return nil
		}
		if transparent && obj.Master != nil {
			if p := obj.Master.Props.Get("TRANSP"); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "TRANSPARENT") {
				total -= len(byEvent[o.ID])
				delete(byEvent, o.ID)
				return nil
			}
		}
		if recheckSet[o.ID] {
			var ps []busyPeriod
			for _, in := range h.occurrences(obj, tr.start, tr.end, loc, h.opts.MaxExpand) {
				if in.Status == "CANCELLED" || in.Start.Equal(in.End) {
					continue
				}
				ps = append(ps, busyPeriod{in.Start, in.End, in.Status == "TENTATIVE"})
			}
			if total += len(ps) - len(byEvent[o.ID]); total > maxPeriods {
				return errAnswerFull
			}
			byEvent[o.ID] = ps
		}
		return nil
	})
	if errors.Is(err, errAnswerFull) {
		return h.freeBusyTooLarge()
	}
	if err != nil {
		return err
	}
	var all []busyPeriod
	for _, ps := range byEvent {
		for _, p := range ps {
			if p.start.Before(tr.start) {
				p.start = tr.start
			}
			if p.end.After(tr.end) {
				p.end = tr.end
			}
			if p.end.After(p.start) {
				all = append(all, p)
			}
		}
	}
	var sb strings.Builder
	const layout = "20060102T150405Z"
	sb.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//CalDAV//FR\r\nBEGIN:VFREEBUSY\r\n")
	sb.WriteString("DTSTAMP:" + h.now().Format(layout) + "\r\n")
	sb.WriteString("DTSTART:" + tr.start.UTC().Format(layout) + "\r\nDTEND:" + tr.end.UTC().Format(layout) + "\r\n")
	for _, tentative := range []bool{false, true} {
		var ps []busyPeriod
		for _, p := range all {
			if p.tentative == tentative {
				ps = append(ps, p)
			}
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].start.Before(ps[j].start) })
		var merged []busyPeriod
		for _, p := range ps {
			if n := len(merged); n > 0 && !p.start.After(merged[n-1].end) {
				if p.end.After(merged[n-1].end) {
					merged[n-1].end = p.end
				}
				continue
			}
			merged = append(merged, p)
		}
		typ := "BUSY"
		if tentative {
			typ = "BUSY-TENTATIVE"
		}
		for _, p := range merged {
			sb.WriteString("FREEBUSY;FBTYPE=" + typ + ":" + p.start.UTC().Format(layout) + "/" + p.end.UTC().Format(layout) + "\r\n")
		}
	}
	sb.WriteString("END:VFREEBUSY\r\nEND:VCALENDAR\r\n")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write([]byte(sb.String()))
	return err
}

// freeBusyTooLarge refuses a free-busy-query whose answer would pass
// Options.MaxAnswer.
func (h *handler) freeBusyTooLarge() error {
	return preconditionErr(http.StatusForbidden, dav("number-of-matches-within-limits"),
		"the free-busy answer would be larger than the server's limit of "+itoa(h.opts.MaxAnswer>>10)+" KiB; ask for a shorter time range")
}
