package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
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
	err = a.store.DeleteUser(c.Request().Context(), u.ID)
	var lo *db.LastOwnerError
	if errors.As(err, &lo) {
		// The last owner of an association: say which, and what to do.
		errs := form.Errors{"_": {Key: "admin.users.last_owner", Args: []any{strings.Join(lo.Associations, ", ")}}}
		return a.page(c, http.StatusConflict, "user_delete", "admin.users.delete_title", "users", nil, errs, u)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
