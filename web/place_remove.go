package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// placeRemove deletes a place of the association; events at it keep their
// own location text.
func (a *app) placeRemove(c echo.Context) error {
	as, p, err := a.managedPlace(c)
	if err != nil {
		return err
	}
	if _, err := readForm(c); err != nil {
		return err
	}
	if err := a.store.DeleteAssociationPlace(c.Request().Context(), as.ID, p.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/places?done=removed"))
}
