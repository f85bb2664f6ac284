package web

import "github.com/labstack/echo/v4"

// userEnable enables a disabled account again (its old sessions stay
// ended; its passwords work again).
func (a *app) userEnable(c echo.Context) error {
	return a.setDisabled(c, false)
}
