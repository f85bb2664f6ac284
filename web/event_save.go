package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/ical"
	"github.com/bastide47/bastide/web/form"
)

// eventSave makes a new event from the form, with its poster when one is
// sent (or, with "check the day", shows the form again with what else is
// on that day).
func (a *app) eventSave(c echo.Context) error {
	as, err := a.eventAssociation(c)
	if err != nil {
		return err
	}
	f, poster, imgErrs, code, err := a.eventUpload(c, "")
	if err != nil {
		return err
	}
	if f == nil {
		return a.eventFormPage(c, code, as, nil, &form.Event{}, imgErrs, false)
	}
	ctx := c.Request().Context()
	cats, err := a.chosenCategories(ctx, f, nil)
	if err != nil {
		return err
	}
	if errs := mergeErrors(f.Validate(cats), imgErrs); len(errs) > 0 || f.Check {
		code := http.StatusOK
		if len(errs) > 0 {
			code = http.StatusUnprocessableEntity
		}
		if poster != nil {
			// The browser will not send the file again: keep it now,
			// and the form carries its address (pruned if never used).
			if err := a.store.PutImage(ctx, poster); err != nil {
				return err
			}
		}
		return a.eventFormPage(c, code, as, nil, f, errs, false)
	}
	cal, err := a.mainCalendar(ctx, as)
	if err != nil {
		return err
	}
	uid, now := db.NewUUID(), a.opts.Now()
	data, err := editEvent(ical.NewObject(uid, now), &form.Event{}, f, 0, now)
	if err == nil {
		_, err = a.storeEvent(ctx, cal, uid+".ics", uid, data, "", poster)
	}
	if msg, ok := eventRefusal(err); ok {
		if poster != nil {
			if err := a.store.PutImage(ctx, poster); err != nil {
				return err
			}
		}
		return a.eventFormPage(c, http.StatusUnprocessableEntity, as, nil, f, form.Errors{"_": msg}, false)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, eventsPath(as)+"?"+url.Values{"saved": {uid}}.Encode())
}
