package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// embedTheme serves the widget's colours as a stylesheet, so that the page
// needs no inline style (its CSP forbids them). Colours are validated hex.
func (a *app) embedTheme(c echo.Context) error {
	accent, ok := parseColor(c.QueryParam("color"))
	if !ok {
		return &badRequest{Key: "error.bad_color", Arg: c.QueryParam("color")}
	}
	bg, ok := parseColor(c.QueryParam("bg"))
	if !ok {
		return &badRequest{Key: "error.bad_color", Arg: c.QueryParam("bg")}
	}
	if accent == "" {
		accent = "9a3412"
	}
	if bg == "" {
		bg = "ffffff"
	}
	fg := "1c1917"
	if luminance(bg) < 0.4 {
		fg = "fafaf9"
	}
	css := fmt.Sprintf(":root{--accent:#%s;--bg:#%s;--fg:#%s}\n", accent, bg, fg)
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(css))
}

// luminance is the relative luminance (WCAG) of a six-digit hex colour.
func luminance(hex string) float64 {
	v, _ := strconv.ParseUint(hex, 16, 32)
	ch := func(x uint64) float64 {
		c := float64(x) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(v>>16&0xff) + 0.7152*ch(v>>8&0xff) + 0.0722*ch(v&0xff)
}
