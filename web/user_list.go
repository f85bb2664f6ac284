package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// userList shows every account, with the admin's actions on each.
func (a *app) userList(c echo.Context) error {
	if err := allow(c, actManageAccounts, noAssociation); err != nil {
		return err
	}
	users, err := a.store.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "users", "admin.users.title", "users", nil, nil, users)
}
