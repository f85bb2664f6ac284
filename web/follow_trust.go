package web

import (
	"github.com/labstack/echo/v4"
)

// followTrust trusts a followed source: its pending events are approved
// now, its next ones as they arrive.
func (a *app) followTrust(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	return a.trustSource(c, "/admin/instance/fediverse")
}
