package web

import (
	"net/http"
	"sort"
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
	for _, cal := range cals {
		evs, err := a.store.ListEvents(ctx, cal.ID, false)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if e.Component != "VEVENT" || e.Origin != model.OriginLocal {
				continue
			}
			key := model.FoldKey(e.Summary + " " + e.Location)
			match := true
			for _, w := range words {
				if !strings.Contains(key, w) {
					match = false
					break
				}
			}
			if match {
				d.Events = append(d.Events, e)
			}
		}
	}
	sort.Slice(d.Events, func(i, j int) bool { return d.Events[i].Start.After(d.Events[j].Start) })
	if len(d.Events) > maxEventList {
		d.Events, d.More = d.Events[:maxEventList], true
	}
	return a.page(c, http.StatusOK, "events", "admin.events.title", "events", nil, nil, d)
}
