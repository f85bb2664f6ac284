package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// placeEdit shows a place's form, and the way to delete it.
func (a *app) placeEdit(c echo.Context) error {
	as, p, err := a.managedPlace(c)
	if err != nil {
		return err
	}
	return a.placeForm(c, http.StatusOK, as, p, form.FromPlace(p), nil)
}
