package web

import "github.com/labstack/echo/v4"

// associationUnarchive brings an archived association back (the admin):
// its pages and public events are on the agenda again and published anew
// to its followers.
func (a *app) associationUnarchive(c echo.Context) error {
	return a.setArchived(c, false)
}
