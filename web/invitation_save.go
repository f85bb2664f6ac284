package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

type linkMade struct {
	URL         string
	Expires     string
	Association *model.Association
	Role        model.Role
	User        *model.User
}

// invitationSave makes a single-use, expiring invitation link and shows it
// (to pass on by any means: no mail server is needed).
func (a *app) invitationSave(c echo.Context) error {
	if err := allow(c, actInvite, anyAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewInvitation(v)
	errs := f.Validate()
	ctx := c.Request().Context()
	var as *model.Association
	if _, bad := errs["association"]; !bad && f.AssociationID != 0 {
		as, err = a.store.GetAssociation(ctx, f.AssociationID)
		if errors.Is(err, db.ErrNotFound) {
			errs["association"] = form.Msg{Key: "form.association.unknown"}
		} else if err != nil {
			return err
		}
	}
	if _, bad := errs["association"]; !bad {
		if err := allow(c, actInvite, f.AssociationID); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return a.invitationPage(c, http.StatusUnprocessableEntity, f, errs)
	}
	if f.Username != "" {
		if _, err := a.store.GetUserByUsername(ctx, f.Username); err == nil {
			return a.invitationPage(c, http.StatusUnprocessableEntity, f, form.Errors{"username": {Key: "form.username.taken"}})
		}
	}
	l := &model.AccountLink{Kind: model.LinkInvite, AssociationID: f.AssociationID, Username: f.Username,
		CreatedBy: me(c).User.ID, ExpiresAt: a.opts.Now().UTC().Add(time.Duration(f.ValidDays) * 24 * time.Hour)}
	if as != nil {
		l.Role = model.Role(f.Role)
	}
	token, err := a.store.CreateAccountLink(ctx, l)
	if err != nil {
		return err
	}
	return a.page(c, http.StatusCreated, "invitation_made", "admin.invite.made", "invite", nil, nil, linkMade{
		URL: a.opts.BaseURL + "/admin/join/" + token, Expires: a.fmtWhen(langOf(c), l.ExpiresAt), Association: as, Role: l.Role})
}
