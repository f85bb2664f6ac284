package web

import (
	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
)

// moderationReject rejects a pending event: it stays hidden, and a later
// copy from its source keeps the decision.
func (a *app) moderationReject(c echo.Context) error {
	return a.moderate(c, model.ModerationRejected)
}
