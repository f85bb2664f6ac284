package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
)

// associationList lists the instance's associations for the admin, a
// page at a time, with the way to create one.
func (a *app) associationList(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	ctx := c.Request().Context()
	n, err := a.store.CountAssociations(ctx)
	if err != nil {
		return err
	}
	p := newPager(c, n)
	as, err := a.store.ListAssociationsPage(ctx, p.Offset(), adminPageSize)
	if err != nil {
		return err
	}
	done := c.QueryParam("done")
	switch done {
	case "archived", "unarchived", "removing", "removed":
	default:
		done = ""
	}
	return a.pagedPage(c, http.StatusOK, "associations", "admin.associations.title", "associations", nil, nil,
		associationsData{List: as, Done: done}, p)
}

// associationsData is what the list of associations shows.
type associationsData struct {
	List []*model.Association
	// Done names what was just done (archived, unarchived, removing,
	// removed), "" for nothing.
	Done string
}
