package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// logoutEverywhere ends every session of the signed-in user, this one too.
func (a *app) logoutEverywhere(c echo.Context) error {
	p := me(c)
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	if err := a.store.DeleteUserSessions(c.Request().Context(), p.User.ID, ""); err != nil {
		return err
	}
	a.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}
