package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// maxModerationList bounds the events the queue shows at once; decided
// ones make room for the next.
const maxModerationList = 100

// moderationQueue is the moderation page's data.
type moderationQueue struct {
	Events []db.PendingEvent
	// Total is how many wait in all (more than len(Events) past the bound).
	Total int
}

// moderationList shows the events waiting for a decision, the soonest
// first, whatever brought them in.
func (a *app) moderationList(c echo.Context) error {
	if err := allow(c, actModerate, noAssociation); err != nil {
		return err
	}
	evs, total, err := a.store.ListPendingEvents(c.Request().Context(), maxModerationList)
	if err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "moderation", "admin.moderation.title", "moderation", nil, nil,
		moderationQueue{Events: evs, Total: total})
}
