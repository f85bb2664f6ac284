package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// Bounds of the instance's logo: the upload, and the side of the square
// it is shrunk into.
const (
	maxInstanceLogoBytes = 5 << 20
	instanceLogoSide     = 256
)

// settingsData is the settings page's own data.
type settingsData struct {
	Logo       string // the current logo's path, "" for none
	MaxLogoMiB int
	Saved      bool
}

// instanceSettingsEdit shows the instance's settings: name, description,
// contact, logo and footer (the admin).
func (a *app) instanceSettingsEdit(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	st, err := a.store.InstanceSettings(c.Request().Context())
	if err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "instance_settings", "admin.settings.title", "settings", form.FromInstanceSettings(st), nil,
		settingsData{Logo: imagePath(st.LogoSHA256), MaxLogoMiB: maxInstanceLogoBytes >> 20, Saved: c.QueryParam("saved") != ""})
}
