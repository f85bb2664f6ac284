package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// followUntrust stops trusting a followed source: its next events wait
// for moderation; those already approved stay.
func (a *app) followUntrust(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return &adminFault{http.StatusNotFound, "admin.moderation.source_unknown"}
	}
	err = a.store.UntrustSource(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return &adminFault{http.StatusNotFound, "admin.moderation.source_unknown"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/fediverse")
}
