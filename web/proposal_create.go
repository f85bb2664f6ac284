package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// proposalCreate shows the empty "propose an event" form, or a page that
// says proposals are closed (404) when the instance has not opened them.
func (a *app) proposalCreate(c echo.Context) error {
	if err := a.proposalsOpen(c.Request().Context()); err != nil {
		return err
	}
	return a.proposalForm(c, http.StatusOK, &form.Proposal{Association: c.QueryParam("association")}, nil)
}
