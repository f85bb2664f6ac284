package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// userList shows the accounts, a page at a time, with the admin's actions
// on each.
func (a *app) userList(c echo.Context) error {
	if err := allow(c, actManageAccounts, noAssociation); err != nil {
		return err
	}
	ctx := c.Request().Context()
	n, err := a.store.CountUsers(ctx)
	if err != nil {
		return err
	}
	p := newPager(c, n)
	users, err := a.store.ListUsersPage(ctx, p.Offset(), adminPageSize)
	if err != nil {
		return err
	}
	return a.pagedPage(c, http.StatusOK, "users", "admin.users.title", "users", nil, nil, users, p)
}
