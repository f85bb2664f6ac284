package web

import (
	"github.com/labstack/echo/v4"
)

// userDemote takes the instance's administration from an account.
func (a *app) userDemote(c echo.Context) error {
	return a.setAdmin(c, false)
}
