package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// userDelete asks the admin to confirm the deletion of an account: a page
// of its own, so that it works without JavaScript and says what goes.
func (a *app) userDelete(c echo.Context) error {
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
	return a.page(c, http.StatusOK, "user_delete", "admin.users.delete_title", "users", nil, nil, u)
}
