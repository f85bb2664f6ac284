package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
)

// associationSave creates an association with its public calendar
// "agenda", the same road as `bastide association add`.
func (a *app) associationSave(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewAssociationCreate(v)
	m, errs := f.Model()
	if len(errs) > 0 {
		return a.page(c, http.StatusUnprocessableEntity, "association_new", "admin.associations.new", "associations", f, errs, nil)
	}
	err = a.store.CreateAssociationWithAgenda(c.Request().Context(), m, tr(langFR, "admin.associations.agenda", m.Name))
	if errors.Is(err, db.ErrConflict) {
		return a.page(c, http.StatusUnprocessableEntity, "association_new", "admin.associations.new", "associations", f,
			form.Errors{"slug": {Key: "form.slug.taken"}}, nil)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/associations")
}
