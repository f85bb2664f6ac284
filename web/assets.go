package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
)

//go:embed static
var staticFS embed.FS

type asset struct {
	hash  string
	body  []byte
	ctype string
}

// assets are the embedded static files, served at /static/{hash}/{name}
// so that a long cache never goes stale: a new build gives a new path.
var assets = loadAssets()

func loadAssets() map[string]*asset {
	out := map[string]*asset{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		out[path.Base(p)] = &asset{hash: hex.EncodeToString(sum[:8]), body: b, ctype: ct}
		return nil
	})
	if err != nil {
		panic("web: static files: " + err.Error())
	}
	return out
}

// assetPath is the content-hash URL of an embedded file; it panics for an
// unknown name, which template parsing at boot turns into a boot failure.
func assetPath(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return "/static/" + a.hash + "/" + name
}

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
