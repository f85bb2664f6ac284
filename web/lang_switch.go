package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// langSwitch stores the chosen language in a cookie and goes back to the
// page the visitor came from, which must be a local path (no open redirect).
func (a *app) langSwitch(c echo.Context) error {
	lang := c.Param("lang")
	if !validLang(lang) {
		return echo.ErrNotFound
	}
	setLangCookie(c, lang)
	return c.Redirect(http.StatusSeeOther, localPath(c.QueryParam("next")))
}

// localPath returns next when it is a path of this site, "/" otherwise:
// "//evil.test", "/\evil.test", "https://evil.test" and control characters
// are refused.
func localPath(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t\x00") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	// "/.//evil.test" and "/a/..//evil.test" resolve to the path
	// "//evil.test": harmless on this host, but one normalisation away
	// from a network-path reference. No page of the site needs an empty
	// or dot segment.
	if strings.Contains(u.Path, "//") {
		return "/"
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return "/"
		}
	}
	return u.String()
}
