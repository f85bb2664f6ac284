package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// loginShow shows the sign-in form; a signed-in user goes on.
func (a *app) loginShow(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if me(c) != nil {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return a.page(c, http.StatusOK, "login", "admin.login.title", "", &form.Login{Next: next}, nil, nil)
}
