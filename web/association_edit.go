package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// associationData is what the profile page shows besides the form.
type associationData struct {
	Association *model.Association
	Logo        string // public path of the current logo, "" for none
	Communes    []model.Commune
	MaxLogoMiB  int
	Saved       bool
}

// associationEdit shows an association's profile form to its owners.
func (a *app) associationEdit(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	return a.associationPage(c, http.StatusOK, as, form.FromAssociation(as), nil, c.QueryParam("saved") == "1")
}

func (a *app) associationPage(c echo.Context, code int, as *model.Association, f *form.Association, errs form.Errors, saved bool) error {
	sha, err := a.store.AssociationLogo(c.Request().Context(), as.ID)
	if err != nil {
		return err
	}
	d := associationData{Association: as, Logo: imagePath(sha), Communes: model.Communes(), MaxLogoMiB: maxLogoBytes >> 20, Saved: saved}
	return a.page(c, code, "association", "admin.assoc.title", "association", f, errs, d)
}
