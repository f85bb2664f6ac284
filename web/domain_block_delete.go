package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// domainBlockDelete lifts the block of a domain.
func (a *app) domainBlockDelete(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	d, err := model.NormalizeDomain(v.Get("domain"))
	if err != nil {
		return &adminFault{http.StatusNotFound, "admin.fediverse.block_unknown"}
	}
	err = a.store.UnblockDomain(c.Request().Context(), d)
	if errors.Is(err, db.ErrNotFound) {
		return &adminFault{http.StatusNotFound, "admin.fediverse.block_unknown"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/fediverse")
}
