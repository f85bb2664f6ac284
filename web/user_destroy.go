package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// userDestroy deletes an account, its personal calendars with their
// events (their deletion reaches calendar apps), its memberships,
// sessions and app passwords. The admin cannot delete their own account.
func (a *app) userDestroy(c echo.Context) error {
	if err := allow(c, actManageAccounts, noAssociation); err != nil {
		return err
	}
	u, err := a.userOfParam(c)
	if err != nil {
		return err
	}
	if u.ID == me(c).User.ID {
		return &adminFault{http.StatusConflict, "admin.users.not_self_delete"}
	}
	if err := a.store.DeleteUser(c.Request().Context(), u.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
