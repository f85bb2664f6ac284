package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// followSave asks to follow a Mobilizon group or instance. Web does not
// speak ActivityPub: the wish is stored, and federation's refresher
// sends the Follow within a minute (or records why it could not).
func (a *app) followSave(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewFollow(v)
	errs := f.Validate()
	ctx := c.Request().Context()
	if len(errs) == 0 {
		blocked, err := a.store.HostBlocked(ctx, f.Host())
		if err != nil {
			return err
		}
		if blocked {
			errs = form.Errors{"target": {Key: "form.follow.blocked"}}
		}
	}
	if len(errs) > 0 {
		return a.fediversePage(c, http.StatusUnprocessableEntity, f, &form.DomainBlock{}, errs)
	}
	if err := a.store.RequestFollow(ctx, model.NormalizeIRI(f.Target), f.Trusted); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/fediverse")
}
