package web

import "github.com/labstack/echo/v4"

// followerAccept approves a pending follower: it will get the
// association's public events.
func (a *app) followerAccept(c echo.Context) error { return a.followerDecide(c, true) }
