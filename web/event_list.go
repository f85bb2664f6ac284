package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// maxEventList bounds the list of an association's events on one page.
const maxEventList = 200

type eventListData struct {
	Assoc  *model.Association
	Query  string
	Events []*model.Event
	More   bool
	Saved  string // the uuid of the event just saved
}

// Association is the association whose menu the page shows.
func (d eventListData) Association() *model.Association { return d.Assoc }

// eventList shows an association's events, newest start first, with a
// search over their title and place.
func (a *app) eventList(c echo.Context) error {
	as, err := a.eventAssociation(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 200 {
		q = q[:200]
	}
	words := strings.Fields(model.FoldKey(q))
	cals, err := a.store.ListCalendars(ctx, db.CalendarFilter{Kind: model.CalendarAssociation, AssociationID: as.ID})
	if err != nil {
		return err
	}
	d := eventListData{Assoc: as, Query: q, Saved: c.QueryParam("saved")}
	ids := make([]int64, len(cals))
	for i, cal := range cals {
		ids[i] = cal.ID
	}
	var match func(summary, location string) bool
	if len(words) > 0 {
		match = func(summary, location string) bool {
			key := model.FoldKey(summary + " " + location)
			for _, w := range words {
				if !strings.Contains(key, w) {
					return false
				}
			}
			return true
		}
	}
	if d.Events, d.More, err = a.store.ListLocalEvents(ctx, ids, maxEventList, match); err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "events", "admin.events.title", "events", nil, nil, d)
}
