package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/ical"
	"github.com/bastide47/bastide/web/form"
)

// occurrenceUpdate changes one occurrence of a recurring event with an
// override (RECURRENCE-ID): op=cancel cancels it, op=restore confirms it
// again, op=move gives it other times on its day (start_time, end_time).
func (a *app) occurrenceUpdate(c echo.Context) error {
	as, cal, e, err := a.associationEvent(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	if v.Get("etag") != e.ETag {
		return &adminFault{http.StatusConflict, "admin.event.stale"}
	}
	if !e.Recurring {
		return &adminFault{http.StatusBadRequest, "admin.occurrence.not_recurring"}
	}
	day, err := time.Parse(time.DateOnly, v.Get("date"))
	if err != nil {
		return &adminFault{http.StatusBadRequest, "admin.occurrence.date"}
	}
	// The occurrence is the series' one that starts that day, at the
	// series' time.
	f := a.eventForm(e)
	if err := f.Validate(append(e.Categories, f.Categories...)); len(err) > 0 {
		return &adminFault{http.StatusBadRequest, "admin.occurrence.date"}
	}
	at := f.Start.Sub(f.Start.Truncate(24 * time.Hour))
	orig := day.Add(at)
	if !a.isOccurrence(c, e.ID, orig, f.AllDay) {
		return &adminFault{http.StatusBadRequest, "admin.occurrence.none"}
	}
	props := []ical.Prop{ical.StampProp(a.opts.Now())}
	switch v.Get("op") {
	case "cancel":
		props = append(props, ical.ValueProp("STATUS", "CANCELLED"))
	case "restore":
		props = append(props, ical.ValueProp("STATUS", "CONFIRMED"))
	case "move":
		g := &form.Event{StartDate: v.Get("date"), StartTime: v.Get("start_time"), EndDate: v.Get("date"), EndTime: v.Get("end_time"), Title: "x"}
		if errs := g.Validate(nil); len(errs) > 0 || f.AllDay {
			return &adminFault{http.StatusBadRequest, "admin.occurrence.times"}
		}
		props = append(props, ical.TimeProp("DTSTART", g.Start, false, form.Zone))
		if !g.End.IsZero() {
			props = append(props, ical.TimeProp("DTEND", g.End, false, form.Zone))
		}
	default:
		return &adminFault{http.StatusBadRequest, "admin.error.form"}
	}
	data, err := ical.Override([]byte(e.Data), ical.TimeProp("RECURRENCE-ID", orig, f.AllDay, form.Zone), props)
	if err == nil {
		_, err = a.storeEvent(c.Request().Context(), cal, e.Href, e.UUID, data, e.ETag, nil)
	}
	if errors.Is(err, db.ErrPrecondition) {
		return &adminFault{http.StatusConflict, "admin.event.stale"}
	}
	if _, ok := eventRefusal(err); ok {
		return &adminFault{http.StatusUnprocessableEntity, "admin.occurrence.refused"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, eventsPath(as)+"?"+url.Values{"saved": {e.UUID}}.Encode())
}

// isOccurrence tells whether the series has an occurrence (as expanded
// in the store) starting at wall-clock time t in Paris.
func (a *app) isOccurrence(c echo.Context, eventID int64, t time.Time, allDay bool) bool {
	ins, err := a.store.GetInstances(c.Request().Context(), eventID)
	if err != nil {
		return false
	}
	want := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, a.paris).UTC()
	for _, in := range ins {
		rid := in.RecurrenceID
		if rid.IsZero() {
			rid = in.Start
		}
		if (allDay && rid.Equal(t)) || (!allDay && rid.Equal(want)) {
			return true
		}
	}
	return false
}
