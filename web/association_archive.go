package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// associationArchive archives an association (the admin): it leaves
// everything public, its calendars become read-only and the fediverse
// gets the Deletes of its events; everything is kept for an un-archive.
func (a *app) associationArchive(c echo.Context) error {
	return a.setArchived(c, true)
}

// setArchived archives or brings back the association of the route, the
// one road of both buttons (and of the commands, through the store).
func (a *app) setArchived(c echo.Context, archive bool) error {
	as, err := a.instanceAssociation(c)
	if err != nil {
		return err
	}
	if _, err := readForm(c); err != nil {
		return err
	}
	err = a.store.ArchiveAssociation(c.Request().Context(), as.ID, archive)
	if errors.Is(err, db.ErrWithdrawn) {
		return &adminFault{http.StatusConflict, "admin.associations.removing"}
	}
	if err != nil {
		return err
	}
	// An association without events logs no change: its page and the
	// agenda's lists of associations must not wait for the cache.
	a.associationsChanged()
	done := "archived"
	if !archive {
		done = "unarchived"
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/associations?done="+done)
}
