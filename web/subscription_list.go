package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

type subscriptionsData struct {
	Association *model.Association
	Rows        []subscriptionRow
	// Calendars the form offers: the association's calendars that follow
	// no feed.
	Calendars []*model.Calendar
	Intervals []int
	Done      string
	// Removed is the calendar whose subscription was just removed.
	Removed string
}

// subscriptionRow is a subscription with its moments written out in the
// page's language ("" for none) and its last error in words.
type subscriptionRow struct {
	*model.Subscription
	CalendarName string
	Every        string
	LastSuccess  string
	LastErrorAt  string
	NextAt       string
	ErrorText    string
}

// subscriptionRows writes subscriptions out for a page.
func (a *app) subscriptionRows(c echo.Context, subs []*model.Subscription, names map[int64]string) []subscriptionRow {
	lang := langOf(c)
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return a.fmtWhen(lang, t)
	}
	rows := make([]subscriptionRow, 0, len(subs))
	for _, s := range subs {
		r := subscriptionRow{Subscription: s, CalendarName: names[s.CalendarID], Every: everyText(lang, s.Interval),
			LastSuccess: when(s.LastSuccess), LastErrorAt: when(s.LastErrorAt), NextAt: when(s.NextAt)}
		if r.CalendarName == "" {
			r.CalendarName = s.CalendarSlug
		}
		if s.LastErrorCode != "" {
			r.ErrorText = feedErrorText(lang, s.LastErrorCode)
		}
		rows = append(rows, r)
	}
	return rows
}

// feedErrorText is a subscription's failure in words: the catalogue's
// sentence for its code, model.FeedErrorText for a code the catalogue
// does not know yet.
func feedErrorText(lang, code string) string {
	key := "admin.subs.err." + code
	if _, ok := messages[key]; ok {
		return tr(lang, key)
	}
	if s := model.FeedErrorText(code); s != "" {
		return s
	}
	return tr(lang, "admin.subs.err.unknown")
}

// everyText is a refresh interval in words ("toutes les heures").
func everyText(lang string, d time.Duration) string {
	switch {
	case d == time.Hour:
		return tr(lang, "admin.subs.every.hour")
	case d == 24*time.Hour:
		return tr(lang, "admin.subs.every.day")
	case d%(24*time.Hour) == 0:
		return trn(lang, "admin.subs.every.days", int(d/(24*time.Hour)))
	case d%time.Hour == 0:
		return trn(lang, "admin.subs.every.hours", int(d/time.Hour))
	}
	return trn(lang, "admin.subs.every.minutes", int(d/time.Minute))
}

// subscriptionList shows an association's subscriptions to its owners,
// with the form that adds one.
func (a *app) subscriptionList(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	done := c.QueryParam("done")
	if done != "saved" && done != "removed" && done != "refresh" {
		done = ""
	}
	f := &form.Subscription{Calendar: form.NewCalendarChoice, Minutes: 60, Public: true}
	return a.subscriptionPage(c, http.StatusOK, as, f, nil, done, c.QueryParam("calendar"))
}

// subscriptionPage renders the subscriptions page with the add form as
// typed and its errors.
func (a *app) subscriptionPage(c echo.Context, code int, as *model.Association, f *form.Subscription, errs form.Errors, done, removed string) error {
	ctx := c.Request().Context()
	subs, err := a.store.ListSubscriptions(ctx, as.ID)
	if err != nil {
		return err
	}
	cals, err := a.store.ListCalendars(ctx, db.CalendarFilter{Kind: model.CalendarAssociation, AssociationID: as.ID})
	if err != nil {
		return err
	}
	names := map[int64]string{}
	d := subscriptionsData{Association: as, Intervals: form.SubscriptionIntervals, Done: done}
	for _, cal := range cals {
		names[cal.ID] = cal.Name
		if cal.ReadOnlySource() == "" {
			d.Calendars = append(d.Calendars, cal)
		}
		if done == "removed" && cal.Slug == removed {
			d.Removed = cal.Name
		}
	}
	d.Rows = a.subscriptionRows(c, subs, names)
	return a.page(c, code, "subscriptions", "admin.subs.title", "subscriptions", f, errs, d)
}

// managedSubscription returns the association (once can allows) and its
// subscription named by the route's :id.
func (a *app) managedSubscription(c echo.Context) (*model.Association, *model.Subscription, error) {
	as, err := a.managedAssociation(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return nil, nil, errSubscriptionNotFound
	}
	sub, err := a.store.GetSubscription(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && sub.AssociationID != as.ID) {
		return nil, nil, errSubscriptionNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return as, sub, nil
}

var errSubscriptionNotFound = &adminFault{http.StatusNotFound, "admin.subs.unknown"}

// wakeSubscriptions tells the worker a subscription is due now.
func (a *app) wakeSubscriptions() {
	if a.opts.WakeSubscriptions != nil {
		a.opts.WakeSubscriptions()
	}
}

// confirmField names the confirmation box of one subscription's removal.
func confirmField(id int64) string { return "confirm-" + strconv.FormatInt(id, 10) }
