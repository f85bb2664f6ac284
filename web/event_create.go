package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// eventCreate shows the form of a new event.
func (a *app) eventCreate(c echo.Context) error {
	as, err := a.eventAssociation(c)
	if err != nil {
		return err
	}
	f := &form.Event{StartTime: "20:00", Interval: "1", Ends: "never", MonthMode: "date"}
	return a.eventFormPage(c, http.StatusOK, as, nil, f, nil, false)
}
