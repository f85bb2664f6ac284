package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

type joinData struct {
	Association *model.Association
	Role        model.Role
	Expires     string
}

// errLinkGone answers a single-use link that is unknown, used or expired.
var errLinkGone = &adminFault{http.StatusGone, "admin.error.link_gone"}

// invitationLink reads the usable invitation of the request and what the
// page shows of it.
func (a *app) invitationLink(c echo.Context) (*model.AccountLink, joinData, error) {
	ctx := c.Request().Context()
	l, err := a.store.AccountLink(ctx, c.Param("token"), model.LinkInvite, a.opts.Now().UTC())
	if errors.Is(err, db.ErrNotFound) {
		return nil, joinData{}, errLinkGone
	}
	if err != nil {
		return nil, joinData{}, err
	}
	d := joinData{Role: l.Role, Expires: a.fmtWhen(langOf(c), l.ExpiresAt)}
	if l.AssociationID != 0 {
		if d.Association, err = a.store.GetAssociation(ctx, l.AssociationID); err != nil {
			return nil, joinData{}, err
		}
	}
	return l, d, nil
}

// invitationShow is the page of an invitation link: the invited person
// chooses their username (or keeps the one proposed) and password.
func (a *app) invitationShow(c echo.Context) error {
	l, d, err := a.invitationLink(c)
	if err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "join", "admin.join.title", "", &form.Join{Username: l.Username}, nil, d)
}
