package web

import "github.com/labstack/echo/v4"

// followerReject refuses a pending follower, or removes an accepted one:
// it gets nothing more.
func (a *app) followerReject(c echo.Context) error { return a.followerDecide(c, false) }
