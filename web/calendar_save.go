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

// maxSlugTries bounds the address names tried for a new calendar when
// the one its name gives is taken ("fetes", "fetes-2", … "fetes-9").
const maxSlugTries = 9

// calendarSave creates a calendar of the association; its address name
// (in CalDAV and feed URLs) comes from its name.
func (a *app) calendarSave(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewCalendar(v)
	if errs := f.Validate(); len(errs) > 0 {
		return a.calendarForm(c, http.StatusUnprocessableEntity, as, nil, f, errs)
	}
	base := form.SlugFrom(f.Name)
	for i := 1; i <= maxSlugTries; i++ {
		cal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: as.ID, Slug: base, Color: form.DefaultCalendarColor}
		if i > 1 {
			cal.Slug = fmt.Sprintf("%s-%d", base, i)
		}
		f.Apply(cal)
		err := a.store.CreateCalendar(c.Request().Context(), cal)
		if errors.Is(err, db.ErrConflict) {
			continue
		}
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, associationPath(as, "/calendars?done=saved"))
	}
	return a.calendarForm(c, http.StatusConflict, as, nil, f, form.Errors{"name": {Key: "form.calendar.taken"}})
}
