package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web/form"
)

type appPasswordsData struct {
	List []*model.AppPassword
	// New is the password just made, shown this once.
	New     string
	NewName string
}

// appPasswordList shows one's app passwords and the form for a new one.
func (a *app) appPasswordList(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	return a.appPasswordsPage(c, http.StatusOK, &form.AppPassword{}, nil, "", "")
}

func (a *app) appPasswordsPage(c echo.Context, code int, f *form.AppPassword, errs form.Errors, newName, newPass string) error {
	list, err := a.store.ListAppPasswords(c.Request().Context(), me(c).User.ID)
	if err != nil {
		return err
	}
	for _, p := range list {
		p.Hash = "" // the page never needs it
	}
	return a.page(c, code, "app_passwords", "admin.apppw.title", "app-passwords", f, errs,
		appPasswordsData{List: list, New: newPass, NewName: newName})
}
