package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
)

// passwordUpdate changes one's password after checking the current one
// (throttled like every password check), and ends the other sessions.
func (a *app) passwordUpdate(c echo.Context) error {
	p := me(c)
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewPassword(v)
	errs := f.Validate()
	ctx := c.Request().Context()
	now, addr := a.opts.Now(), c.Request().RemoteAddr
	if len(errs) == 0 {
		if wait := a.opts.Throttle.Wait(now, p.User.Username, addr); wait > 0 {
			errs = form.Errors{"current": throttled(wait)}
		} else if _, err := a.store.CheckAccountPassword(ctx, p.User.Username, f.Current); errors.Is(err, db.ErrBadCredentials) {
			a.opts.Throttle.Fail(now, p.User.Username, addr)
			errs = form.Errors{"current": {Key: "admin.password.wrong"}}
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return a.page(c, http.StatusUnprocessableEntity, "password", "admin.password.title", "password", nil, errs, nil)
	}
	hash, err := db.HashPassword(f.Password)
	if err != nil {
		return err
	}
	if err := a.store.SetUserPassword(ctx, p.User.ID, hash); err != nil {
		return err
	}
	if err := a.store.DeleteUserSessions(ctx, p.User.ID, p.token); err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "password", "admin.password.title", "password", nil, nil, "admin.password.done")
}
