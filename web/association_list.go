package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// associationList lists the instance's associations for the admin, with
// the way to create one.
func (a *app) associationList(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	as, err := a.store.ListAssociations(c.Request().Context())
	if err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "associations", "admin.associations.title", "associations", nil, nil, as)
}
