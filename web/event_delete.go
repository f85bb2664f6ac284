package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// eventDelete deletes an event (calendar apps and followers see it go),
// if it is still the version the page showed and the box that confirms
// it is ticked (a page without JavaScript has no dialog to ask).
func (a *app) eventDelete(c echo.Context) error {
	as, cal, e, err := a.associationEvent(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	if v.Get("confirm") == "" {
		return &adminFault{http.StatusBadRequest, "admin.event.delete.confirm"}
	}
	etag := v.Get("etag")
	if etag == "" || etag != e.ETag {
		return &adminFault{http.StatusConflict, "admin.event.stale"}
	}
	_, err = a.store.DeleteEvent(c.Request().Context(), cal.ID, e.Href, etag)
	if errors.Is(err, db.ErrPrecondition) {
		return &adminFault{http.StatusConflict, "admin.event.stale"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, eventsPath(as))
}
