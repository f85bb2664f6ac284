package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

type placesData struct {
	Association *model.Association
	Places      []*model.Place
	Place       *model.Place // the one edited, nil on the list and the new form
	Communes    []model.Commune
	Done        string
}

// placeList shows an association's places to its owners.
func (a *app) placeList(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	ps, err := a.store.ListAssociationPlaces(c.Request().Context(), as.ID)
	if err != nil {
		return err
	}
	done := c.QueryParam("done")
	if done != "saved" && done != "removed" {
		done = ""
	}
	return a.page(c, http.StatusOK, "places", "admin.places.title", "places", nil, nil, placesData{Association: as, Places: ps, Done: done})
}

// placeForm shows the form of a new (p nil) or existing place.
func (a *app) placeForm(c echo.Context, code int, as *model.Association, p *model.Place, f *form.Place, errs form.Errors) error {
	title := "admin.place.new"
	if p != nil {
		title = "admin.place.edit"
	}
	return a.page(c, code, "place", title, "places", f, errs, placesData{Association: as, Place: p, Communes: model.Communes()})
}

// managedPlace returns the association (once can allows) and its place
// of the route's :id.
func (a *app) managedPlace(c echo.Context) (*model.Association, *model.Place, error) {
	as, err := a.managedAssociation(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return nil, nil, &adminFault{http.StatusNotFound, "admin.place.unknown"}
	}
	p, err := a.store.GetAssociationPlace(c.Request().Context(), as.ID, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil, &adminFault{http.StatusNotFound, "admin.place.unknown"}
	}
	if err != nil {
		return nil, nil, err
	}
	return as, p, nil
}
