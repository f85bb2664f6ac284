package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
)

// imageShow serves an uploaded image (a logo, a poster) at the path named
// by the SHA-256 of its bytes: they never change, so caches keep them a
// year; the headers forbid a browser to read them as anything but the
// image they are.
func (a *app) imageShow(c echo.Context) error {
	sha := c.Param("sha")
	if len(sha) != 64 {
		return echo.ErrNotFound
	}
	im, err := a.store.GetImage(c.Request().Context(), sha)
	if errors.Is(err, db.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	// secure has set X-Content-Type-Options: nosniff already.
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("ETag", `"`+sha+`"`)
	if c.Request().Header.Get("If-None-Match") == `"`+sha+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, im.MIME, im.Bytes)
}
