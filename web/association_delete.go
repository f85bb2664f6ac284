package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// associationLoss is what the confirmation of a deletion shows.
type associationLoss struct {
	Association *model.Association
	Loss        db.AssociationLoss
}

// associationDelete asks the admin to confirm the deletion of an
// association, on a page of its own that says what will be lost.
func (a *app) associationDelete(c echo.Context) error {
	as, err := a.instanceAssociation(c)
	if err != nil {
		return err
	}
	if !as.RemovingAt.IsZero() {
		return &adminFault{http.StatusConflict, "admin.associations.removing"}
	}
	loss, err := a.store.AssociationLoss(c.Request().Context(), as.ID)
	if err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "association_delete", "admin.associations.delete_title", "associations", nil, nil,
		associationLoss{Association: as, Loss: loss})
}
