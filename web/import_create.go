package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// importForm is what the upload page holds as typed: the calendar chosen
// (a file input cannot be filled again).
type importForm struct {
	Calendar string
}

type importData struct {
	Assoc     *model.Association
	Calendars []*model.Calendar
	MaxMiB    int
}

// importCreate shows the upload of an .ics file into one of the
// association's calendars (its editors and owners).
func (a *app) importCreate(c echo.Context) error {
	as, err := a.eventAssociation(c)
	if err != nil {
		return err
	}
	return a.importPage(c, http.StatusOK, as, &importForm{Calendar: c.QueryParam("calendar")}, nil)
}

// importPage renders the upload form with its errors.
func (a *app) importPage(c echo.Context, code int, as *model.Association, f *importForm, errs form.Errors) error {
	cals, err := a.store.ListCalendars(c.Request().Context(), db.CalendarFilter{Kind: model.CalendarAssociation, AssociationID: as.ID})
	if err != nil {
		return err
	}
	return a.page(c, code, "import", "admin.import.title", "import", f, errs,
		importData{Assoc: as, Calendars: cals, MaxMiB: mib(a.opts.MaxImportSize)})
}
