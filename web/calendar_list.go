package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

type calendarsData struct {
	Association *model.Association
	Calendars   []*model.Calendar
	Calendar    *model.Calendar // the one edited, nil on the list and the new form
	Done        string
}

// calendarList shows an association's calendars to its owners.
func (a *app) calendarList(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	cals, err := a.store.ListCalendars(c.Request().Context(), db.CalendarFilter{Kind: model.CalendarAssociation, AssociationID: as.ID})
	if err != nil {
		return err
	}
	done := c.QueryParam("done")
	if done != "saved" && done != "removed" {
		done = ""
	}
	return a.page(c, http.StatusOK, "calendars", "admin.calendars.title", "calendars", nil, nil,
		calendarsData{Association: as, Calendars: cals, Done: done})
}

// calendarForm shows the form of a new (cal nil) or existing calendar.
func (a *app) calendarForm(c echo.Context, code int, as *model.Association, cal *model.Calendar, f *form.Calendar, errs form.Errors) error {
	title := "admin.calendar.new"
	if cal != nil {
		title = "admin.calendar.edit"
	}
	return a.page(c, code, "calendar", title, "calendars", f, errs, calendarsData{Association: as, Calendar: cal})
}

// managedCalendar returns the association (once can allows) and its
// calendar named by the route's :cal.
func (a *app) managedCalendar(c echo.Context) (*model.Association, *model.Calendar, error) {
	as, err := a.managedAssociation(c)
	if err != nil {
		return nil, nil, err
	}
	cal, err := a.store.GetAssociationCalendar(c.Request().Context(), as.ID, c.Param("cal"))
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return nil, nil, &adminFault{http.StatusNotFound, "admin.calendar.unknown"}
		}
		return nil, nil, err
	}
	return as, cal, nil
}
