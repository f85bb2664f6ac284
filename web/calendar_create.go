package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// calendarCreate shows the form of a new calendar of the association.
func (a *app) calendarCreate(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	return a.calendarForm(c, http.StatusOK, as, nil, &form.Calendar{Color: form.DefaultCalendarColor, Public: true}, nil)
}
