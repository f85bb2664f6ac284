package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// userPromote makes an account an administrator of the instance.
func (a *app) userPromote(c echo.Context) error {
	return a.setAdmin(c, true)
}

// setAdmin gives or takes the instance's administration. The admin
// cannot take it from themselves (the instance would keep no admin when
// they are the only one).
func (a *app) setAdmin(c echo.Context, admin bool) error {
	if err := allow(c, actManageAccounts, noAssociation); err != nil {
		return err
	}
	u, err := a.userOfParam(c)
	if err != nil {
		return err
	}
	if u.ID == me(c).User.ID {
		return &adminFault{http.StatusConflict, "admin.users.not_self_admin"}
	}
	if err := a.store.SetUserAdmin(c.Request().Context(), u.ID, admin); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
