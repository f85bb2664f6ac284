package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

type followersData struct {
	Association *model.Association
	Followers   []*db.Follower
	Done        string
}

// followerList shows who follows the association on the fediverse, with
// the owners' decisions on each.
func (a *app) followerList(c echo.Context) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	fls, err := a.store.ListFollowers(c.Request().Context(), as.ID, "")
	if err != nil {
		return err
	}
	done := c.QueryParam("done")
	if done != db.FollowAccepted && done != db.FollowRejected {
		done = ""
	}
	p := newPager(c, len(fls))
	return a.pagedPage(c, http.StatusOK, "followers", "admin.followers.title", "followers", nil, nil,
		followersData{Association: as, Followers: pageOf(p, fls), Done: done}, p)
}

// followerDecide records an owner's decision on a follower; federation
// sends the Accept or Reject (the answer waits in the follower's row).
func (a *app) followerDecide(c echo.Context, accept bool) error {
	as, err := a.managedAssociation(c)
	if err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	err = a.store.DecideFollower(c.Request().Context(), as.ID, v.Get("actor"), accept)
	if errors.Is(err, db.ErrNotFound) {
		return &adminFault{http.StatusNotFound, "admin.followers.unknown"}
	}
	if err != nil {
		return err
	}
	done := db.FollowAccepted
	if !accept {
		done = db.FollowRejected
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/followers?done="+done))
}
