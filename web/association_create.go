package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// associationCreate shows the form that creates an association.
func (a *app) associationCreate(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "association_new", "admin.associations.new", "associations", &form.AssociationCreate{}, nil, nil)
}
