package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// passwordEdit shows the form that changes one's password.
func (a *app) passwordEdit(c echo.Context) error {
	if err := allow(c, actOwnAccount, noAssociation); err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "password", "admin.password.title", "password", nil, nil, nil)
}
