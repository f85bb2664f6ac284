package web

import (
	"errors"
	"maps"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// memberUpdate changes a member's role; the last owner keeps theirs.
func (a *app) memberUpdate(c echo.Context) error {
	as, m, err := a.managedMember(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	m.Role = model.Role(v.Get("role"))
	if !m.Role.Valid() {
		return a.membersPage(c, http.StatusUnprocessableEntity, as, form.Errors{"_": {Key: "form.role.required"}}, "")
	}
	err = a.store.SetMembership(c.Request().Context(), m)
	if errors.Is(err, db.ErrLastOwner) {
		return a.membersPage(c, http.StatusConflict, as, form.Errors{"_": {Key: "admin.members.last_owner"}}, "")
	}
	if err != nil {
		return err
	}
	if m.UserID == me(c).User.ID && !canAfter(me(c), actManageAssociation, as.ID, m.Role) {
		// One who stepped down is no longer let in here.
		return c.Redirect(http.StatusSeeOther, "/admin/me")
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/members?done=role"))
}

// managedMember returns the association (once can allows) and the
// membership of the route's :id in it.
func (a *app) managedMember(c echo.Context) (*model.Association, *model.Membership, error) {
	as, err := a.managedAssociation(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return nil, nil, &adminFault{http.StatusNotFound, "admin.members.unknown"}
	}
	role, err := a.store.GetRole(c.Request().Context(), id, as.ID)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil, &adminFault{http.StatusNotFound, "admin.members.unknown"}
	}
	if err != nil {
		return nil, nil, err
	}
	return as, &model.Membership{UserID: id, AssociationID: as.ID, Role: role}, nil
}

// canAfter is can for p once their role in associationID has become role
// ("" once they left it).
func canAfter(p *principal, act action, associationID int64, role model.Role) bool {
	after := *p
	after.Roles = maps.Clone(p.Roles)
	if role == "" {
		delete(after.Roles, associationID)
	} else {
		after.Roles[associationID] = role
	}
	return can(&after, act, associationID)
}
