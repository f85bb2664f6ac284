package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/web/form"
)

// instancePageUpdate saves the Markdown of one of the instance's pages;
// an empty text brings the default back.
func (a *app) instancePageUpdate(c echo.Context) error {
	if err := allow(c, actAdministerInstance, noAssociation); err != nil {
		return err
	}
	slug := c.Param("slug")
	if !isInstancePage(slug) {
		return &adminFault{http.StatusNotFound, "admin.pages.unknown"}
	}
	v, err := readForm(c)
	if err != nil {
		return err
	}
	body := strings.TrimSpace(strings.ReplaceAll(v.Get("body"), "\r\n", "\n"))
	f := &pageForm{Slug: slug, Body: body, Custom: true}
	switch {
	case len(body) > maxPageBody:
		return a.page(c, http.StatusUnprocessableEntity, "instance_page", "admin.pages.title", "instance", f,
			form.Errors{"body": {Key: "form.page.long", Args: []any{maxPageBody}}}, nil)
	case !utf8.ValidString(body):
		return a.page(c, http.StatusUnprocessableEntity, "instance_page", "admin.pages.title", "instance", f,
			form.Errors{"body": {Key: "admin.error.form"}}, nil)
	}
	ctx := c.Request().Context()
	if body == "" {
		err = a.store.DeleteInstancePage(ctx, slug)
	} else {
		err = a.store.PutInstancePage(ctx, slug, body)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/"+slug)
}
