package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// memberView is a member of an association, as its owners see it.
type memberView struct {
	User *model.User
	Role model.Role
}

type membersData struct {
	Association *model.Association
	Members     []memberView
	Roles       []model.Role
	Done        string // the notice after a change: "role" or "removed"
}

// memberList shows an association's members and their roles, with the
// owners' actions on each.
func (a *app) memberList(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	done := c.QueryParam("done")
	if done != "role" && done != "removed" {
		done = ""
	}
	return a.membersPage(c, http.StatusOK, as, nil, done)
}

func (a *app) membersPage(c echo.Context, code int, as *model.Association, errs form.Errors, done string) error {
	ctx := c.Request().Context()
	ms, err := a.store.ListMembers(ctx, as.ID)
	if err != nil {
		return err
	}
	d := membersData{Association: as, Roles: []model.Role{model.RoleOwner, model.RoleEditor, model.RoleViewer}, Done: done}
	p := newPager(c, len(ms))
	page := pageOf(p, ms)
	ids := make([]int64, len(page))
	for i, m := range page {
		ids[i] = m.UserID
	}
	users, err := a.store.GetUsers(ctx, ids)
	if err != nil {
		return err
	}
	for _, m := range page {
		if u := users[m.UserID]; u != nil {
			d.Members = append(d.Members, memberView{User: u, Role: m.Role})
		}
	}
	return a.pagedPage(c, code, "members", "admin.members.title", "members", nil, errs, d, p)
}
