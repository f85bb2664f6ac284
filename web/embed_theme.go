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
	// The text colour that reads best on the background, and an accent
	// (dates, heading, links) moved towards it until it reaches the WCAG AA
	// ratio for text: a site's brand colour on its own background is often
	// too faint to read.
	fg := "1c1917"
	if contrastRatio("fafaf9", bg) > contrastRatio(fg, bg) {
		fg = "fafaf9"
	}
	accent = readableOn(accent, fg, bg)
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

// contrastRatio is the WCAG contrast ratio of two six-digit hex colours.
func contrastRatio(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// readableOn returns accent, or accent mixed with fg by the smallest tenth
// that gives at least 4.5:1 on bg (fg itself in the end).
func readableOn(accent, fg, bg string) string {
	a, _ := strconv.ParseUint(accent, 16, 32)
	f, _ := strconv.ParseUint(fg, 16, 32)
	for i := 0; i <= 10; i++ {
		mix := func(shift uint) uint64 {
			x, y := float64(a>>shift&0xff), float64(f>>shift&0xff)
			return uint64(math.Round(x + (y-x)*float64(i)/10))
		}
		c := fmt.Sprintf("%02x%02x%02x", mix(16), mix(8), mix(0))
		if contrastRatio(c, bg) >= 4.5 {
			return c
		}
	}
	return fg
}
