package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// errGone marks a deleted event (410).
var errGone = echo.NewHTTPError(http.StatusGone)

type errorPage struct {
	base
	Code    int
	Message string
	Detail  string
}

// handleError is the one HTTPErrorHandler: it maps errors to a status,
// shows a friendly page (or a short JSON / text body for the API and the
// feeds) without internal details, and logs only server faults.
func (a *app) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code := http.StatusInternalServerError
	detail := ""
	lang := langOf(c)
	var he *echo.HTTPError
	var br *badRequest
	var ve *model.ValidationError
	switch {
	case errors.As(err, &br):
		code = http.StatusBadRequest
		// The value is shown so that the visitor sees what to fix, but a
		// few words of it are enough.
		arg := cutRunes(br.Arg, 40)
		if br.Key == "error.bad_limit" {
			detail = tr(lang, br.Key, arg, br.Max)
		} else {
			detail = tr(lang, br.Key, arg)
		}
	case errors.As(err, &ve):
		code = http.StatusBadRequest
	case errors.Is(err, db.ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, db.ErrWithdrawn):
		// An archived association: its pages are gone, and say why.
		code = http.StatusGone
	case errors.As(err, &he):
		code = he.Code
	}
	if code >= 500 {
		a.logger.ErrorContext(c.Request().Context(), "web: request failed", "err", err,
			"method", c.Request().Method, "path", c.Request().URL.Path, "status", code)
	}
	key := "error." + itoa(code)
	if _, ok := messages[key]; !ok {
		key = "error.400"
		if code >= 500 {
			key = "error.500"
		}
	}
	if errors.Is(err, db.ErrWithdrawn) {
		key = "error.archived"
	}
	msg := tr(lang, key)
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	path := c.Request().URL.Path
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(code)
		return
	}
	switch {
	case strings.HasPrefix(path, "/api/"):
		body := map[string]any{"error": map[string]any{"status": code, "message": strings.TrimSpace(msg + " " + detail)}}
		_ = c.JSON(code, body)
	case strings.HasPrefix(path, "/feeds/") || strings.HasPrefix(path, "/static/") || strings.HasSuffix(path, ".ics") || strings.HasSuffix(path, ".css"):
		_ = c.String(code, strings.TrimSpace(msg+" "+detail)+"\n")
	default:
		p := errorPage{base: a.base(c, tr(lang, "error.title")), Code: code, Message: msg, Detail: detail}
		p.NoIndex = true
		body, rerr := a.render("error", p)
		if rerr != nil {
			a.logger.ErrorContext(c.Request().Context(), "web: render error page", "err", rerr)
			_ = c.String(code, msg)
			return
		}
		_ = c.HTMLBlob(code, body)
	}
}

// cutRunes shortens s to n runes, marking the cut.
func cutRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
