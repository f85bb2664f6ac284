package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// moderationTrust always approves a followed source: its pending events
// are approved now and its next ones as they arrive.
func (a *app) moderationTrust(c echo.Context) error {
	if err := allow(c, actModerate, noAssociation); err != nil {
		return err
	}
	return a.trustSource(c, "/admin/moderation")
}

// trustSource trusts the followed source of the :id parameter, then goes
// back to the page at back.
func (a *app) trustSource(c echo.Context, back string) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return &adminFault{http.StatusNotFound, "admin.moderation.source_unknown"}
	}
	_, err = a.store.TrustSource(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return &adminFault{http.StatusNotFound, "admin.moderation.source_unknown"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back)
}
