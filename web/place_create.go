package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// placeCreate shows the form of a new place, in the association's commune.
func (a *app) placeCreate(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	return a.placeForm(c, http.StatusOK, as, nil, &form.Place{Commune: as.CommuneINSEE}, nil)
}
