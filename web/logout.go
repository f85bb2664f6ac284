package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// logout ends this browser's session on the server.
func (a *app) logout(c echo.Context) error {
	p := me(c)
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	if err := a.store.DeleteSession(c.Request().Context(), p.token); err != nil {
		return err
	}
	a.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}
