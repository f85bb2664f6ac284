package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// dashboard is the admin's dashboard data; moments are already written
// out in the page's language ("" for none).
type dashboard struct {
	Counts db.Counts
	Health *db.Health
	// Unpublished is how many changes the publisher has not handled yet,
	// the oldest made at UnpublishedSince.
	Unpublished      int
	UnpublishedSince string
	PublishFailSince string
	OldestDueInbox   string
	Hosts            []hostRow
	Sources          []sourceRow
	// Feeds are the ICS subscriptions whose last refresh failed, of every
	// association; Refreshed says one was just asked to refresh now.
	Feeds     []subscriptionRow
	Refreshed bool
}

type hostRow struct {
	db.HostDeliveries
	Since string
}

type sourceRow struct {
	*db.Follow
	LastSuccess, LastErrorAt string
}

// instanceShow is the admin's dashboard: what the instance holds and how
// its federation fares (publisher lag, deliveries per host, inbox queue,
// followed sources), the same figures /metrics exports.
func (a *app) instanceShow(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	ctx := c.Request().Context()
	counts, err := a.store.CountAll(ctx)
	if err != nil {
		return err
	}
	h, err := a.store.Health(ctx, a.opts.Now())
	if err != nil {
		return err
	}
	lang := langOf(c)
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return a.fmtWhen(lang, t)
	}
	d := dashboard{Counts: counts, Health: h, Unpublished: int(h.LastSeq - h.PublisherSeq),
		UnpublishedSince: when(h.OldestUnpublished), PublishFailSince: when(h.OldestPublishFailure),
		OldestDueInbox: when(h.OldestDueInbox)}
	for _, hd := range h.Deliveries {
		d.Hosts = append(d.Hosts, hostRow{HostDeliveries: hd, Since: when(hd.OldestPending)})
	}
	for _, f := range h.Follows {
		d.Sources = append(d.Sources, sourceRow{Follow: f, LastSuccess: when(f.LastSuccess), LastErrorAt: when(f.LastErrorAt)})
	}
	subs, err := a.store.ListSubscriptions(ctx, 0)
	if err != nil {
		return err
	}
	var failing []*model.Subscription
	for _, s := range subs {
		if s.LastErrorCode != "" {
			failing = append(failing, s)
		}
	}
	d.Feeds = a.subscriptionRows(c, failing, nil)
	d.Refreshed = c.QueryParam("done") == "refresh"
	return a.page(c, http.StatusOK, "instance", "admin.instance.title", "instance", nil, nil, d)
}
