package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// associationDestroy deletes an association (the admin), through the
// store's two-step removal: it leaves the agenda at once, the fediverse
// gets the Deletes of its events and of its Group, then everything goes
// (db.RemoveAssociation).
func (a *app) associationDestroy(c echo.Context) error {
	as, err := a.instanceAssociation(c)
	if err != nil {
		return err
	}
	if _, err := readForm(c); err != nil {
		return err
	}
	purged, err := a.store.RemoveAssociation(c.Request().Context(), as.ID)
	if err != nil {
		return err
	}
	a.associationsChanged()
	done := "removing"
	if purged {
		done = "removed"
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/associations?done="+done)
}
