package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// eventEdit shows the form of an existing event, carrying the ETag it was
// built from.
func (a *app) eventEdit(c echo.Context) error {
	as, _, e, err := a.associationEvent(c)
	if err != nil {
		return err
	}
	return a.eventFormPage(c, http.StatusOK, as, e, a.eventForm(e), nil, false)
}
