package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// userDisable disables an account: its sessions end, its password and app
// passwords stop working on the web and in CalDAV at once. The admin
// cannot disable their own account (they would lock themselves out).
func (a *app) userDisable(c echo.Context) error {
	return a.setDisabled(c, true)
}

func (a *app) setDisabled(c echo.Context, disabled bool) error {
	if err := allow(c, actManageAccounts, noAssociation); err != nil {
		return err
	}
	u, err := a.userOfParam(c)
	if err != nil {
		return err
	}
	if u.ID == me(c).User.ID {
		return &adminFault{http.StatusConflict, "admin.users.not_self"}
	}
	if err := a.store.SetUserDisabled(c.Request().Context(), u.ID, disabled); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
