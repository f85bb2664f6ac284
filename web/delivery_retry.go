package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// deliveryRetry makes every delivery to a host due now, the dead ones
// included (a new series of attempts), when the admin knows the host
// answers again. The host must be one the dashboard lists.
func (a *app) deliveryRetry(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	f, err := readForm(c)
	if err != nil {
		return err
	}
	host := strings.ToLower(strings.TrimSpace(f.Get("host")))
	ctx := c.Request().Context()
	now := a.opts.Now()
	h, err := a.store.Health(ctx, now)
	if err != nil {
		return err
	}
	for _, d := range h.Deliveries {
		if host != "" && d.Host == host {
			if _, err := a.store.RetryHostNow(ctx, host, now); err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/admin/instance")
		}
	}
	return &adminFault{http.StatusNotFound, "admin.instance.host_unknown"}
}
