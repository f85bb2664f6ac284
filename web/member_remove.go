package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
)

// memberRemove takes a member out of the association; the last owner
// cannot leave.
func (a *app) memberRemove(c echo.Context) error {
	as, m, err := a.managedMember(c)
	if err != nil {
		return err
	}
	if _, err := readForm(c); err != nil {
		return err
	}
	err = a.store.RemoveMembership(c.Request().Context(), m.UserID, as.ID)
	if errors.Is(err, db.ErrLastOwner) {
		return a.membersPage(c, http.StatusConflict, as, form.Errors{"_": {Key: "admin.members.last_owner"}}, "")
	}
	if err != nil {
		return err
	}
	if m.UserID == me(c).User.ID && !canAfter(me(c), actManageAssociation, as.ID, "") {
		// One who left the association has nothing more to do here.
		return c.Redirect(http.StatusSeeOther, "/admin/me")
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/members?done=removed"))
}
