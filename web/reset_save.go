package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// resetSave sets the new password of a reset link, ends every session of
// the account, uses the link up and signs the person in.
func (a *app) resetSave(c echo.Context) error {
	ctx := c.Request().Context()
	l, err := a.store.AccountLink(ctx, c.Param("token"), model.LinkReset, a.opts.Now().UTC())
	if errors.Is(err, db.ErrNotFound) {
		return errLinkGone
	}
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewReset(v)
	if errs := f.Validate(); len(errs) > 0 {
		u, err := a.store.GetUser(ctx, l.UserID)
		if err != nil {
			return err
		}
		return a.page(c, http.StatusUnprocessableEntity, "reset", "admin.reset.title", "", nil, errs, u.Username)
	}
	hash, err := db.HashPassword(f.Password)
	if err != nil {
		return err
	}
	u, err := a.store.ResetPassword(ctx, c.Param("token"), a.opts.Now().UTC(), hash)
	if errors.Is(err, db.ErrNotFound) {
		return errLinkGone
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return c.Redirect(http.StatusSeeOther, "/admin/login")
	}
	if err := a.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/me")
}
