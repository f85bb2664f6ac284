package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/bastide47/bastide/ical/markup"
	"github.com/labstack/echo/v4"
)

// instancePageView is a public page of the instance's own.
type instancePageView struct {
	base
	Body template.HTML
}

// contactBlank is the blank of the default pages that the instance's
// public contact fills.
const contactBlank = "[adresse électronique]"

// pageShow shows one of the instance's own pages (mentions légales,
// privacy notice, accessibility statement, charter): the admin's text,
// else the default one.
func (a *app) pageShow(c echo.Context) error {
	slug := strings.TrimPrefix(c.Path(), "/")
	src, custom, err := a.pageSource(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	b := a.base(c, tr(langOf(c), "page."+slug))
	if !custom && b.Site.Contact != "" {
		// The default text asks for the contact the settings give.
		src = strings.ReplaceAll(src, contactBlank, b.Site.Contact)
	}
	html := template.HTML(markup.HTML(src))
	body, err := a.render("page", instancePageView{base: b, Body: html})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.HTMLBlob(http.StatusOK, body)
}
