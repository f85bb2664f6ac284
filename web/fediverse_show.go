package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/web/form"
)

// maxFollowRequestsShown bounds the requests the page lists.
const maxFollowRequestsShown = 100

// fediverse is the fediverse page's data: the two forms as typed, and
// what the instance follows, has asked to follow and blocks.
type fediverse struct {
	Follow   *form.Follow
	Block    *form.DomainBlock
	Follows  []*db.Follow
	Requests []*db.FollowRequest
	Blocks   []db.DomainBlock
}

// fediverseShow lists the followed sources (with their trust), the
// follows asked for and not sent yet, and the blocked domains, with a
// form for each.
func (a *app) fediverseShow(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	return a.fediversePage(c, http.StatusOK, &form.Follow{}, &form.DomainBlock{}, nil)
}

func (a *app) fediversePage(c echo.Context, code int, fl *form.Follow, bl *form.DomainBlock, errs form.Errors) error {
	ctx := c.Request().Context()
	d := fediverse{Follow: fl, Block: bl}
	var err error
	if d.Follows, err = a.store.ListFollows(ctx); err != nil {
		return err
	}
	if d.Requests, err = a.store.ListFollowRequests(ctx, false, maxFollowRequestsShown); err != nil {
		return err
	}
	if d.Blocks, err = a.store.ListDomainBlocks(ctx); err != nil {
		return err
	}
	return a.page(c, code, "fediverse", "admin.fediverse.title", "fediverse", nil, errs, d)
}
