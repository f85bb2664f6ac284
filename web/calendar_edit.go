package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// calendarEdit shows a calendar's form, and the way to delete it.
func (a *app) calendarEdit(c echo.Context) error {
	as, cal, err := a.managedCalendar(c)
	if err != nil {
		return err
	}
	return a.calendarForm(c, http.StatusOK, as, cal, form.FromCalendar(cal), nil)
}
