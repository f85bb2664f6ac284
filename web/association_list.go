package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// associationList lists the instance's associations for the admin, a
// page at a time, with the way to create one.
func (a *app) associationList(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	ctx := c.Request().Context()
	n, err := a.store.CountAssociations(ctx)
	if err != nil {
		return err
	}
	p := newPager(c, n)
	as, err := a.store.ListAssociationsPage(ctx, p.Offset(), adminPageSize)
	if err != nil {
		return err
	}
	return a.pagedPage(c, http.StatusOK, "associations", "admin.associations.title", "associations", nil, nil, as, p)
}
