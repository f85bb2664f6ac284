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
	// CanEditEvents links to the association's events (can answers).
	CanEditEvents bool
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
		out = append(out, membershipView{Association: as, Role: role, Manage: can(p, actManageAssociation, id), CanEditEvents: can(p, actEditEvents, id)})
	}
	slices.SortFunc(out, func(x, y membershipView) int { return strings.Compare(x.Association.Name, y.Association.Name) })
	return out, nil
}

// maxOtherAssociations bounds the associations one's own space lists
// beside one's own.
const maxOtherAssociations = 20

type accountData struct {
	Associations []membershipView
	// Others are the associations one may manage without being a member
	// (the admin's).
	Others []*model.Association
	// MoreOthers: there are more than maxOtherAssociations of them.
	MoreOthers bool
	Sessions   int
	CanInvite  bool
	CanManage  bool
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
	// The first few only (the admin may manage a thousand): the list of
	// the instance's associations has them all, a page at a time.
	first, err := a.store.ListAssociationsPage(c.Request().Context(), 0, maxOtherAssociations+len(me(c).Roles)+1)
	if err != nil {
		return err
	}
	var others []*model.Association
	for _, as := range first {
		if _, member := me(c).Roles[as.ID]; !member && can(me(c), actManageAssociation, as.ID) {
			others = append(others, as)
		}
	}
	more := len(others) > maxOtherAssociations
	if more {
		others = others[:maxOtherAssociations]
	}
	d := accountData{Associations: ms, Others: others, MoreOthers: more, Sessions: n,
		CanInvite: can(me(c), actInvite, anyAssociation), CanManage: can(me(c), actManageAccounts, noAssociation)}
	return a.page(c, http.StatusOK, "account", "admin.account.title", "me", nil, nil, d)
}
