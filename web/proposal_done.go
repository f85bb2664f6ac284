package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// proposalDone thanks the visitor once the proposal is saved.
func (a *app) proposalDone(c echo.Context) error {
	if err := a.proposalsOpen(c.Request().Context()); err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "proposal_done", "proposal.done.title", "", nil, nil, nil)
}
