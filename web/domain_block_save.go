package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// domainBlockSave blocks a domain and its subdomains: federation refuses
// their follows, inbox deliveries and pulls, and their followers go.
func (a *app) domainBlockSave(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewDomainBlock(v)
	if errs := f.Validate(); len(errs) > 0 {
		return a.fediversePage(c, http.StatusUnprocessableEntity, &form.Follow{}, f, errs)
	}
	if _, err := a.store.BlockDomain(c.Request().Context(), f.Normalized, f.Reason); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/fediverse")
}
