package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/ical"
)

// eventCancel marks an event cancelled (STATUS:CANCELLED: it stays on the
// agenda as cancelled, and followers such as Mobilizon get the
// cancellation), or with "restore" confirmed again.
func (a *app) eventCancel(c echo.Context) error {
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
	status := "CANCELLED"
	if v.Get("restore") != "" {
		status = "CONFIRMED"
	}
	data, err := ical.Edit([]byte(e.Data), []string{"STATUS", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE"},
		append([]ical.Prop{ical.ValueProp("STATUS", status)}, ical.StampProps(a.opts.Now(), e.Sequence+1)...))
	if err == nil {
		_, err = a.storeEvent(c.Request().Context(), cal, e.Href, e.UUID, data, e.ETag, nil)
	}
	if errors.Is(err, db.ErrPrecondition) {
		return &adminFault{http.StatusConflict, "admin.event.stale"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, eventsPath(as)+"?"+url.Values{"saved": {e.UUID}}.Encode())
}
