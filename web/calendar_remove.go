package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// calendarRemove deletes a calendar and its events, once the owner ticked
// the box that says so; the store logs each event's deletion, so that
// calendar apps, the agenda and the fediverse learn of it.
func (a *app) calendarRemove(c echo.Context) error {
	as, cal, err := a.managedCalendar(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	if v.Get("confirm") != "on" {
		return a.calendarForm(c, http.StatusUnprocessableEntity, as, cal, form.FromCalendar(cal), form.Errors{"confirm": {Key: "form.calendar.confirm"}})
	}
	if err := a.store.DeleteCalendar(c.Request().Context(), cal.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/calendars?done=removed"))
}
