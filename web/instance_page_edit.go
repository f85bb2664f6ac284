package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// pageForm is the form of one of the instance's pages.
type pageForm struct {
	Slug   string
	Body   string
	Custom bool
}

// instancePageEdit shows the Markdown of one of the instance's pages to
// edit (the default text until the admin saves their own).
func (a *app) instancePageEdit(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	slug := c.Param("slug")
	if !isInstancePage(slug) {
		return &adminFault{http.StatusNotFound, "admin.pages.unknown"}
	}
	src, custom, err := a.pageSource(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	return a.page(c, http.StatusOK, "instance_page", "admin.pages.title", "instance", &pageForm{Slug: slug, Body: src, Custom: custom}, nil, nil)
}
