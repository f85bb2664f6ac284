package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// followRequestDelete withdraws a follow asked for and not sent yet, or
// clears one that failed.
func (a *app) followRequestDelete(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return &adminFault{http.StatusNotFound, "admin.fediverse.request_unknown"}
	}
	err = a.store.DeleteFollowRequest(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return &adminFault{http.StatusNotFound, "admin.fediverse.request_unknown"}
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/fediverse")
}
