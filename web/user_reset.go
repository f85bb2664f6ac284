package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// resetLinkLife is how long a password reset link stays usable.
const resetLinkLife = 72 * time.Hour

// userOfParam reads the account of the :id parameter.
func (a *app) userOfParam(c echo.Context) (*model.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, &adminFault{http.StatusNotFound, "admin.error.user_unknown"}
	}
	u, err := a.store.GetUser(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, &adminFault{http.StatusNotFound, "admin.error.user_unknown"}
	}
	return u, err
}

// userReset makes a single-use password reset link for an account and
// shows it, to pass on to its owner.
func (a *app) userReset(c echo.Context) error {
	if err := allow(c, actManageAccounts, noAssociation); err != nil {
		return err
	}
	u, err := a.userOfParam(c)
	if err != nil {
		return err
	}
	l := &model.AccountLink{Kind: model.LinkReset, UserID: u.ID, CreatedBy: me(c).User.ID, ExpiresAt: a.opts.Now().UTC().Add(resetLinkLife)}
	token, err := a.store.CreateAccountLink(c.Request().Context(), l)
	if err != nil {
		return err
	}
	return a.page(c, http.StatusCreated, "reset_made", "admin.reset.made", "users", nil, nil, linkMade{
		URL: a.opts.BaseURL + "/admin/reset/" + token, Expires: a.fmtWhen(langOf(c), l.ExpiresAt), User: u})
}
