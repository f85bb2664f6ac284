package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// placeSave stores a new place of the association.
func (a *app) placeSave(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewPlace(v)
	if errs := f.Validate(); len(errs) > 0 {
		return a.placeForm(c, http.StatusUnprocessableEntity, as, nil, f, errs)
	}
	p := &model.Place{AssociationID: as.ID}
	f.Apply(p)
	err = a.store.CreateAssociationPlace(c.Request().Context(), p)
	if errors.Is(err, db.ErrConflict) {
		return a.placeForm(c, http.StatusConflict, as, nil, f, form.Errors{"name": {Key: "form.place.taken"}})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/places?done=saved"))
}
