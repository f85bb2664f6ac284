package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

type agendaItem struct {
	UUID, Summary, Location, Association string
	When                                 string
}

// agendaShow renders the upcoming public events.
func (a *app) agendaShow(c echo.Context) error {
	ctx := c.Request().Context()
	now := a.opts.Now()
	rows, err := a.store.ListInstances(ctx, db.InstanceQuery{From: now, To: now.AddDate(1, 0, 0), Public: true, Limit: 100})
	if err != nil {
		return err
	}
	items := make([]agendaItem, 0, len(rows))
	for _, r := range rows {
		items = append(items, agendaItem{UUID: r.Event.UUID, Summary: r.Event.Summary, Location: r.Event.Location,
			Association: r.AssociationName, When: r.Instance.Start.In(a.paris).Format("02/01/2006 15:04")})
	}
	return c.Render(http.StatusOK, "agenda", map[string]any{"Items": items, "Now": now.Format(time.RFC3339)})
}
