package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// eventDuplicate shows the form of a new event filled with a copy of an
// existing one's fields (saving it makes a new event; the original stays).
func (a *app) eventDuplicate(c echo.Context) error {
	as, _, e, err := a.associationEvent(c)
	if err != nil {
		return err
	}
	f := a.eventForm(e)
	f.ETag = ""
	if f.Custom {
		// A rule the form cannot express is not copied: the copy starts
		// as a single event.
		f.Custom, f.Freq = false, ""
	}
	return a.eventFormPage(c, http.StatusOK, as, nil, f, nil, false)
}
