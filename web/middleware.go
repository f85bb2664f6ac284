package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Content-Security-Policy of every page: no inline script or style, no
// plugins, no framing. JSON-LD blocks are data, not scripts: browsers do not
// execute them, so script-src does not need to allow them.
const (
	cspPage = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	// The widget may be framed by any site.
	cspEmbed = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *"
)

func isEmbedPath(p string) bool { return p == "/embed" || strings.HasPrefix(p, "/embed/") }

// secure sets the security headers of every response.
func secure(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if isEmbedPath(c.Request().URL.Path) {
			h.Set("Content-Security-Policy", cspEmbed)
		} else {
			h.Set("Content-Security-Policy", cspPage)
			h.Set("X-Frame-Options", "DENY")
		}
		return next(c)
	}
}

// language resolves the language of the request; ?lang= also sets the
// cookie so that the choice follows the visitor.
func language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang, fromQuery := negotiate(c)
		c.Set(langContext, lang)
		if fromQuery {
			setLangCookie(c, lang)
		}
		c.Response().Header().Add("Vary", "Accept-Language, Cookie")
		return next(c)
	}
}

func setLangCookie(c echo.Context, lang string) {
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Scheme() == "https"})
}

// recoverPanic turns a handler panic into a 500 through the error handler.
func recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = echo.NewHTTPError(http.StatusInternalServerError).SetInternal(panicError{r})
			}
		}()
		return next(c)
	}
}

type panicError struct{ v any }

func (p panicError) Error() string { return "panic: " + strings.TrimSpace(toString(p.v)) }

func toString(v any) string {
	switch x := v.(type) {
	case error:
		return x.Error()
	case string:
		return x
	}
	return "non-error value"
}
