package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
)

// placeUpdate saves a place; the store logs each event at it, so that
// the agenda and the fediverse show the new address.
func (a *app) placeUpdate(c echo.Context) error {
	as, p, err := a.managedPlace(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewPlace(v)
	if errs := f.Validate(); len(errs) > 0 {
		return a.placeForm(c, http.StatusUnprocessableEntity, as, p, f, errs)
	}
	f.Apply(p)
	err = a.store.UpdateAssociationPlace(c.Request().Context(), p)
	if errors.Is(err, db.ErrConflict) {
		return a.placeForm(c, http.StatusConflict, as, p, f, form.Errors{"name": {Key: "form.place.taken"}})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/places?done=saved"))
}
