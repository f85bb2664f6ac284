package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// subscriptionSave makes a calendar of the association follow an ICS
// feed: an existing empty calendar, or a new one named in the form. The
// worker fetches it at once.
func (a *app) subscriptionSave(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := form.NewSubscription(v)
	errs := f.Validate()
	if _, bad := errs["url"]; !bad && a.opts.CheckFeedURL != nil {
		if err := a.opts.CheckFeedURL(ctx, f.FeedURL); err != nil {
			errs["url"] = form.Msg{Key: "form.subscription.url.private"}
		}
	}
	fail := func(code int, errs form.Errors) error {
		return a.subscriptionPage(c, code, as, f, errs, "", "")
	}
	if len(errs) > 0 {
		return fail(http.StatusUnprocessableEntity, errs)
	}
	slug, name := f.Calendar, ""
	if f.Calendar == form.NewCalendarChoice {
		// A new calendar gets a free address name after its name: the
		// store would otherwise make an existing calendar follow the feed.
		name = f.Name
		if slug, err = a.freeCalendarSlug(c, as, form.SlugFrom(f.Name)); err != nil {
			return err
		}
		if slug == "" {
			return fail(http.StatusConflict, form.Errors{"name": {Key: "form.calendar.taken"}})
		}
	} else if _, err := a.store.GetAssociationCalendar(ctx, as.ID, slug); errors.Is(err, db.ErrNotFound) {
		return fail(http.StatusUnprocessableEntity, form.Errors{"calendar": {Key: "form.subscription.calendar"}})
	} else if err != nil {
		return err
	}
	sub := &model.Subscription{URL: f.FeedURL, Interval: f.Interval()}
	_, _, err = a.store.SubscribeCalendar(ctx, as.ID, slug, name, f.Public, sub)
	var ve *model.ValidationError
	switch {
	case errors.Is(err, db.ErrConflict):
		return fail(http.StatusConflict, form.Errors{"calendar": {Key: "form.subscription.calendar.follows"}})
	case errors.As(err, &ve) && ve.Field == "calendar":
		return fail(http.StatusConflict, form.Errors{"calendar": {Key: "form.subscription.calendar.events"}})
	case errors.As(err, &ve) && ve.Field == "interval":
		return fail(http.StatusUnprocessableEntity, form.Errors{"every": {Key: "form.subscription.every"}})
	case errors.As(err, &ve) && ve.Field == "url":
		return fail(http.StatusUnprocessableEntity, form.Errors{"url": {Key: "form.subscription.url.invalid"}})
	case errors.As(err, &ve):
		return fail(http.StatusUnprocessableEntity, form.Errors{"name": {Key: "form.name.required"}})
	case err != nil:
		return err
	}
	a.wakeSubscriptions()
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/subscriptions?done=saved"))
}

// freeCalendarSlug is base, or base-2 … base-9, whichever names no
// calendar of the association yet ("" when all are taken).
func (a *app) freeCalendarSlug(c echo.Context, as *model.Association, base string) (string, error) {
	for i := 1; i <= maxSlugTries; i++ {
		slug := base
		if i > 1 {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		_, err := a.store.GetAssociationCalendar(c.Request().Context(), as.ID, slug)
		if errors.Is(err, db.ErrNotFound) {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", nil
}
