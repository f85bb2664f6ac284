package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// appPasswordRevoke deletes one of one's app passwords; the device stops
// at once (CalDAV's login cache follows the store's credentials epoch).
func (a *app) appPasswordRevoke(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	err = a.store.RevokeAppPassword(c.Request().Context(), me(c).User.ID, v.Get("name"))
	if errors.Is(err, db.ErrNotFound) {
		return &adminFault{http.StatusNotFound, "admin.apppw.unknown"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/me/app-passwords")
}
