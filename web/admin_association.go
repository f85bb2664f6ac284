package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Bounds of an association's logo: the upload, and the side of the
// square it is shrunk into.
const (
	maxLogoBytes = 5 << 20
	logoSide     = 512
)

// managedAssociation returns the association named by the route's :slug,
// once can says the signed-in user may manage it (an owner, the admin).
func (a *app) managedAssociation(c echo.Context) (*model.Association, error) {
	as, err := a.store.GetAssociationBySlug(c.Request().Context(), c.Param("slug"))
	if errors.Is(err, db.ErrNotFound) {
		return nil, &adminFault{http.StatusNotFound, "admin.error.no_association"}
	}
	if err != nil {
		return nil, err
	}
	if err := allow(c, actManageAssociation, as.ID); err != nil {
		return nil, err
	}
	return as, nil
}

// associationPath is the back office's path of an association's pages.
func associationPath(as *model.Association, rest string) string {
	return "/admin/associations/" + as.Slug + rest
}

// imagePath is the public, never-changing path of a stored image ("" for
// none).
func imagePath(sha string) string {
	if sha == "" {
		return ""
	}
	return "/images/" + sha
}

// instanceAssociation returns the association named by the route's :slug
// for the instance's admin (archive, delete).
func (a *app) instanceAssociation(c echo.Context) (*model.Association, error) {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return nil, err
	}
	as, err := a.store.GetAssociationBySlug(c.Request().Context(), c.Param("slug"))
	if errors.Is(err, db.ErrNotFound) {
		return nil, &adminFault{http.StatusNotFound, "admin.error.no_association"}
	}
	return as, err
}
