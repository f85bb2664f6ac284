package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// followRemove asks to stop following a source: federation's refresher
// sends the Undo and forgets the follow within a minute; the source's
// calendar and events stay.
func (a *app) followRemove(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return &adminFault{http.StatusNotFound, "admin.moderation.source_unknown"}
	}
	ctx := c.Request().Context()
	fl, err := a.store.GetFollowByID(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return &adminFault{http.StatusNotFound, "admin.moderation.source_unknown"}
	}
	if err != nil {
		return err
	}
	if err := a.store.RequestUnfollow(ctx, fl.Object); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/fediverse")
}
