package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// moderationApprove approves a pending event: it appears on the agenda,
// in the feeds and in calendar apps at once.
func (a *app) moderationApprove(c echo.Context) error {
	return a.moderate(c, model.ModerationApproved)
}

// moderate records the decision on the event of the :id parameter.
func (a *app) moderate(c echo.Context, decision string) error {
	if err := allow(c, actModerate, noAssociation); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return &adminFault{http.StatusNotFound, "admin.moderation.unknown"}
	}
	err = a.store.Moderate(c.Request().Context(), id, decision)
	switch {
	case errors.Is(err, db.ErrNotFound):
		return &adminFault{http.StatusNotFound, "admin.moderation.unknown"}
	case errors.Is(err, db.ErrPrecondition):
		return &adminFault{http.StatusConflict, "admin.moderation.decided"}
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/moderation")
}
