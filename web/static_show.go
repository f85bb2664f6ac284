package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// staticShow serves an embedded file at its content-hash path with a
// year-long immutable cache; a stale hash is 404.
func (a *app) staticShow(c echo.Context) error {
	as, ok := assets[c.Param("name")]
	if !ok || as.hash != c.Param("hash") {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+as.hash+`"`)
	if c.Request().Header.Get("If-None-Match") == `"`+as.hash+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, as.ctype, as.body)
}

// faviconShow answers the browsers that ask for /favicon.ico on their own.
func (a *app) faviconShow(c echo.Context) error {
	as := assets["favicon.svg"]
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, as.ctype, as.body)
}
