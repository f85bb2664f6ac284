package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

// appPasswordSave makes an app password for a device and shows it once.
func (a *app) appPasswordSave(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	f := form.NewAppPassword(v)
	if errs := f.Validate(); len(errs) > 0 {
		return a.appPasswordsPage(c, http.StatusUnprocessableEntity, f, errs, "", "")
	}
	pass, err := a.addAppPassword(c, f.Name)
	if errors.Is(err, db.ErrConflict) {
		return a.appPasswordsPage(c, http.StatusUnprocessableEntity, f, form.Errors{"name": {Key: "admin.apppw.taken"}}, "", "")
	}
	if err != nil {
		return err
	}
	return a.appPasswordsPage(c, http.StatusCreated, &form.AppPassword{}, nil, f.Name, pass)
}

// addAppPassword makes a new app password for the signed-in user through
// the store's rules (NewAppPassword, HashAppPassword) and returns it in
// clear, to show once.
func (a *app) addAppPassword(c echo.Context, name string) (string, error) {
	pass := db.NewAppPassword()
	err := a.store.AddAppPassword(c.Request().Context(), &model.AppPassword{UserID: me(c).User.ID, Name: name, Hash: db.HashAppPassword(pass)})
	return pass, err
}
