package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// subscriptionRefresh makes a subscription due now and wakes the worker,
// which fetches it at once ("refresh now").
func (a *app) subscriptionRefresh(c echo.Context) error {
	as, sub, err := a.managedSubscription(c)
	if err != nil {
		return err
	}
	if _, err := readForm(c); err != nil {
		return err
	}
	if err := a.store.RefreshSubscriptionSoon(c.Request().Context(), sub.ID); err != nil {
		return err
	}
	a.wakeSubscriptions()
	if c.FormValue("from") == "instance" && can(me(c), actAdministerInstance, noAssociation) {
		// "Refresh now" on the admin's dashboard leads back there.
		return c.Redirect(http.StatusSeeOther, "/admin/instance?done=refresh")
	}
	return c.Redirect(http.StatusSeeOther, associationPath(as, "/subscriptions?done=refresh"))
}
