package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
)

// loginCheck signs in with a username and the account password. Wrong
// passwords are throttled by the throttle CalDAV uses too.
func (a *app) loginCheck(c echo.Context) error {
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewLogin(v)
	f.Next = safeNext(f.Next)
	if errs := f.Validate(); len(errs) > 0 {
		f.Password = ""
		return a.page(c, http.StatusUnprocessableEntity, "login", "admin.login.title", "", f, errs, nil)
	}
	now, addr := a.opts.Now(), c.Request().RemoteAddr
	f2 := *f
	f2.Password = "" // never shown again
	if wait := a.opts.Throttle.Wait(now, f.Username, addr); wait > 0 {
		c.Response().Header().Set("Retry-After", itoa(int(wait.Seconds())+1))
		return a.page(c, http.StatusTooManyRequests, "login", "admin.login.title", "", &f2, form.Errors{"_": throttled(wait)}, nil)
	}
	u, err := a.store.CheckAccountPassword(c.Request().Context(), f.Username, f.Password)
	if errors.Is(err, db.ErrBadCredentials) {
		a.opts.Throttle.Fail(now, f.Username, addr)
		return a.page(c, http.StatusUnauthorized, "login", "admin.login.title", "", &f2,
			form.Errors{"_": {Key: "admin.login.wrong"}}, nil)
	}
	if err != nil {
		return err
	}
	a.opts.Throttle.Succeed(now, f.Username, addr)
	if err := a.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, f.Next)
}

// throttled says how many minutes to wait, rounded up.
func throttled(wait time.Duration) form.Msg {
	n := int((wait + time.Minute - 1) / time.Minute)
	if n == 1 {
		return form.Msg{Key: "admin.login.throttled.one", Args: []any{n}}
	}
	return form.Msg{Key: "admin.login.throttled.other", Args: []any{n}}
}
