package web

import (
	"errors"
	"net/http"
	"net/url"

	goical "github.com/emersion/go-ical"
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
	stamp := a.opts.Now().UTC().Format("20060102T150405Z")
	data, err := ical.Edit([]byte(e.Data), []string{"STATUS", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE"}, []*goical.Prop{
		{Name: "STATUS", Params: goical.Params{}, Value: status},
		{Name: "DTSTAMP", Params: goical.Params{}, Value: stamp},
		{Name: "LAST-MODIFIED", Params: goical.Params{}, Value: stamp},
		ical.TextProp("SEQUENCE", itoa(e.Sequence+1))})
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
