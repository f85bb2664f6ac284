package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// instanceSettingsUpdate saves the instance's settings and, when a file
// is sent, its new logo; on any error the form comes back as typed and
// nothing is saved. Every page shows the new settings at once.
func (a *app) instanceSettingsUpdate(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	ctx := c.Request().Context()
	st, err := a.store.InstanceSettings(ctx)
	if err != nil {
		return err
	}
	data := settingsData{Logo: imagePath(st.LogoSHA256), MaxLogoMiB: maxInstanceLogoBytes >> 20}
	up, code, err := readUpload(c, "logo", maxInstanceLogoBytes, instanceLogoSide)
	if err != nil {
		return err
	}
	if up.Values == nil {
		return a.page(c, code, "instance_settings", "admin.settings.title", "settings", form.FromInstanceSettings(st),
			form.Errors{"logo": *up.Refusal}, data)
	}
	f := form.NewInstanceSettings(up.Values)
	errs := f.Validate()
	if up.Refusal != nil {
		errs["logo"] = *up.Refusal
	}
	if len(errs) > 0 {
		if code == 0 {
			code = http.StatusUnprocessableEntity
		}
		return a.page(c, code, "instance_settings", "admin.settings.title", "settings", f, errs, data)
	}
	f.Apply(st)
	err = a.store.PutInstanceSettings(ctx, st, up.Picture)
	a.siteChanged()
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instance/settings?saved=1")
}
