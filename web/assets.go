package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
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
