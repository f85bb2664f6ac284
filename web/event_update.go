package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
)

// eventUpdate saves the form over the version it was built from: only
// the properties whose field changed are rewritten, and saving over a
// newer version is refused (the form comes back, nothing is overwritten).
// Without a new poster, the event's IMAGE stays as it is.
func (a *app) eventUpdate(c echo.Context) error {
	as, cal, e, err := a.associationEvent(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	was := a.eventForm(e)
	was.Validate(e.Categories)
	f, poster, imgErrs, code, err := a.eventUpload(c, was.Image)
	if err != nil {
		return err
	}
	if f == nil {
		return a.eventFormPage(c, code, as, e, was, imgErrs, false)
	}
	cats, err := a.chosenCategories(ctx, f, e.Categories)
	if err != nil {
		return err
	}
	f.Custom = was.Custom // the stored rule decides, not the request
	errs := mergeErrors(f.Validate(cats), imgErrs)
	if len(errs) > 0 || f.Check {
		code := http.StatusOK
		if len(errs) > 0 {
			code = http.StatusUnprocessableEntity
		}
		return a.eventFormPage(c, code, as, e, f, errs, false)
	}
	if f.ETag != e.ETag {
		return a.eventFormPage(c, http.StatusConflict, as, e, f, form.Errors{"_": {Key: "admin.event.stale"}}, true)
	}
	data, err := editEvent([]byte(e.Data), was, f, e.Sequence+1, a.opts.Now())
	if err == nil {
		_, err = a.storeEvent(ctx, cal, e.Href, e.UUID, data, f.ETag, poster)
	}
	if errors.Is(err, db.ErrPrecondition) {
		return a.eventFormPage(c, http.StatusConflict, as, e, f, form.Errors{"_": {Key: "admin.event.stale"}}, true)
	}
	if msg, ok := eventRefusal(err); ok {
		return a.eventFormPage(c, http.StatusUnprocessableEntity, as, e, f, form.Errors{"_": msg}, false)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, eventsPath(as)+"?"+url.Values{"saved": {e.UUID}}.Encode())
}
