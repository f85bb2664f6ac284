package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// calendarUpdate renames a calendar, changes its colour or makes it
// public or private. The store logs every event of a calendar that turns
// private, so that the fediverse gets its Deletes and the agenda drops
// them.
func (a *app) calendarUpdate(c echo.Context) error {
	as, cal, err := a.managedCalendar(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewCalendar(v)
	if errs := f.Validate(); len(errs) > 0 {
		return a.calendarForm(c, http.StatusUnprocessableEntity, as, cal, f, errs)
	}
	f.Apply(cal)
	if err := a.store.UpdateCalendar(c.Request().Context(), cal); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/calendars?done=saved"))
}
