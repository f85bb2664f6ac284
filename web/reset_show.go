package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// resetShow is the page of a password reset link.
func (a *app) resetShow(c echo.Context) error {
	l, err := a.store.AccountLink(c.Request().Context(), c.Param("token"), model.LinkReset, a.opts.Now().UTC())
	if errors.Is(err, db.ErrNotFound) {
		return errLinkGone
	}
	if err != nil {
		return err
	}
	u, err := a.store.GetUser(c.Request().Context(), l.UserID)
	if err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "reset", "admin.reset.title", "", nil, nil, u.Username)
}
