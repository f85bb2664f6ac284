package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// invitationAccept makes the account of an invitation link, with its
// membership, uses the link up, and signs the new member in.
func (a *app) invitationAccept(c echo.Context) error {
	_, d, err := a.invitationLink(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewJoin(v)
	redo := func(errs form.Errors) error {
		f.Password, f.Confirm = "", ""
		return a.page(c, http.StatusUnprocessableEntity, "join", "admin.join.title", "", f, errs, d)
	}
	if errs := f.Validate(); len(errs) > 0 {
		return redo(errs)
	}
	hash, err := db.HashPassword(f.Password)
	if err != nil {
		return err
	}
	u := &model.User{Username: f.Username, DisplayName: f.DisplayName, PasswordHash: hash}
	_, err = a.store.AcceptInvitation(c.Request().Context(), c.Param("token"), a.opts.Now().UTC(), u)
	switch {
	case errors.Is(err, db.ErrConflict):
		return redo(form.Errors{"username": {Key: "form.username.taken"}})
	case errors.Is(err, db.ErrNotFound):
		return errLinkGone
	case err != nil:
		return err
	}
	if err := a.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/me")
}
