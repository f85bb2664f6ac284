package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// adminHome is the entry of the back office: for now, one's own space.
func (a *app) adminHome(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/me")
}
