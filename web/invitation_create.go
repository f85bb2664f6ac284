package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

type invitationData struct {
	Associations []*model.Association // those the user may invite into
	Roles        []model.Role
	NoAssocOK    bool // the admin may invite without association
	CanMail      bool // a mail server is configured
}

// invitationCreate shows the form that makes an invitation link.
func (a *app) invitationCreate(c echo.Context) error {
	if err := allow(c, actInvite, anyAssociation); err != nil {
		return err
	}
	f := &form.Invitation{Association: c.QueryParam("association"), Role: string(model.RoleEditor), Days: strconv.Itoa(form.DefaultInvitationDays)}
	return a.invitationPage(c, http.StatusOK, f, nil)
}

func (a *app) invitationPage(c echo.Context, code int, f *form.Invitation, errs form.Errors) error {
	all, err := a.store.ListAssociations(c.Request().Context())
	if err != nil {
		return err
	}
	d := invitationData{Roles: []model.Role{model.RoleOwner, model.RoleEditor, model.RoleViewer},
		NoAssocOK: can(me(c), actInvite, noAssociation), CanMail: a.opts.Mailer != nil}
	for _, as := range all {
		if can(me(c), actInvite, as.ID) {
			d.Associations = append(d.Associations, as)
		}
	}
	return a.page(c, code, "invitation", "admin.invite.title", "invite", f, errs, d)
}
