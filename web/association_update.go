package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// associationUpdate saves an association's profile and, when a file is
// sent, its new logo; on any error the form comes back with the typed
// values and nothing is saved.
func (a *app) associationUpdate(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	up, code, err := readUpload(c, "logo", maxLogoBytes, logoSide)
	if err != nil {
		return err
	}
	if up.Values == nil {
		return a.associationPage(c, code, as, form.FromAssociation(as), form.Errors{"logo": *up.Refusal}, false)
	}
	f := form.NewAssociation(up.Values)
	errs := f.Validate()
	if up.Refusal != nil {
		errs["logo"] = *up.Refusal
	}
	logo := up.Picture
	if len(errs) > 0 {
		return a.associationPage(c, http.StatusUnprocessableEntity, as, f, errs, false)
	}
	ctx := c.Request().Context()
	f.Apply(as)
	if err := a.store.UpdateAssociation(ctx, as); err != nil {
		return err
	}
	if logo != nil || f.RemoveLogo {
		if err := a.store.SetAssociationLogo(ctx, as.ID, logo); err != nil {
			return err
		}
	}
	// The public pages show the new profile at once.
	a.associationsChanged()
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/edit?saved=1"))
}
