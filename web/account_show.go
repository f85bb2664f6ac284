package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
)

// membershipView is an association of the signed-in user and their role.
type membershipView struct {
	Association *model.Association
	Role        model.Role
	Manage      bool // can lets the user manage its pages
}

// myAssociations lists the associations of the signed-in user, by name.
func (a *app) myAssociations(c echo.Context) ([]membershipView, error) {
	p := me(c)
	var out []membershipView
	for id, role := range p.Roles {
		as, err := a.store.GetAssociation(c.Request().Context(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, membershipView{Association: as, Role: role, Manage: can(p, actManageAssociation, id)})
	}
	slices.SortFunc(out, func(x, y membershipView) int { return strings.Compare(x.Association.Name, y.Association.Name) })
	return out, nil
}

type accountData struct {
	Associations []membershipView
	Sessions     int
	CanInvite    bool
	CanManage    bool
}

// accountShow is a member's own space: their associations and role in
// each, and the ways to their passwords, devices and sessions.
func (a *app) accountShow(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	ms, err := a.myAssociations(c)
	if err != nil {
		return err
	}
	n, err := a.store.CountSessions(c.Request().Context(), me(c).User.ID)
	if err != nil {
		return err
	}
	d := accountData{Associations: ms, Sessions: n,
		CanInvite: can(me(c), actInvite, anyAssociation), CanManage: can(me(c), actManageAccounts, noAssociation)}
	return a.page(c, http.StatusOK, "account", "admin.account.title", "me", nil, nil, d)
}
