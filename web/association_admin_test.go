package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// doMultipart posts a multipart form (as a browser does for a page with
// a file field) from a same-origin page.
func (env *adminEnv) doMultipart(path, token string, fields map[string]string, file string, data []byte) result {
	env.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != "" {
		fw, err := mw.CreateFormFile(file, "logo.bin")
		if err != nil {
			env.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, testBase+path, &b)
	r.RemoteAddr = "192.0.2.10:40000"
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Origin", testBase)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	w := httptest.NewRecorder()
	env.e.ServeHTTP(w, r)
	return result{w, "POST " + path}
}

// photo is an opaque JPEG with an EXIF segment naming where it was taken.
func photo(t *testing.T, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	j := b.Bytes()
	payload := []byte("Exif\x00\x00GPS 44.20281 0.62558 taken-at-home")
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	return append(append(append([]byte{}, j[:2]...), append(seg, payload...)...), j[2:]...)
}

func TestAssociationProfile(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	olga := env.session("olga")
	env.do("GET", "/admin/me", olga, nil).must(t, 200, `href="/admin/associations/amis/edit"`).lacks(t, `href="/admin/associations/autre/edit"`)
	env.do("GET", "/admin/me", env.session("admin"), nil).must(t, 200, "Associations que vous pouvez gérer",
		`href="/admin/associations/amis/edit"`, `href="/admin/associations/autre/edit"`)
	// An editor manages no association's pages; only its events.
	env.do("GET", "/admin/me", env.session("eddy"), nil).lacks(t, "/admin/associations/amis/edit", "/admin/associations/autre/").
		must(t, 200, `href="/admin/associations/amis/events"`)
	env.do("GET", "/admin/associations/amis/edit", olga, nil).
		must(t, 200, "<h1>Profil de l&#39;association</h1>", `value="Les amis"`, `<option value="47001">Agen</option>`, `enctype="multipart/form-data"`)
	env.do("GET", "/admin/associations/nobody/edit", olga, nil).must(t, 404, "Cette association n&#39;existe pas.")

	pic := photo(t, 1200, 800)
	env.doMultipart("/admin/associations/amis/edit", olga, map[string]string{
		"name": "Les amis du Lot", "description": "Randonnées et fêtes.", "website": "https://amis.example.org",
		"commune": "47001", "manual": "on",
	}, "logo", pic).redirects(t, "/admin/associations/amis/edit?saved=1")
	as, err := env.s.GetAssociationBySlug(ctx, "amis")
	if err != nil {
		t.Fatal(err)
	}
	if as.Name != "Les amis du Lot" || as.Description != "Randonnées et fêtes." || as.Website != "https://amis.example.org" ||
		as.CommuneINSEE != "47001" || !as.ManuallyApprovesFollowers {
		t.Fatalf("saved %+v", as)
	}
	sha, err := env.s.AssociationLogo(ctx, as.ID)
	if err != nil || sha == "" {
		t.Fatalf("no logo saved (%v)", err)
	}
	env.do("GET", "/admin/associations/amis/edit?saved=1", olga, nil).must(t, 200, "Le profil est enregistré.", `src="/images/`+sha+`"`)

	// The public page shows it.
	env.do("GET", "/@amis", "", nil).must(t, 200, `<img class="assoc-logo" src="/images/`+sha+`"`)

	// The logo's public URL: the re-encoded image, shrunk, without EXIF,
	// which no browser may read as anything else.
	img := env.do("GET", "/images/"+sha, "", nil).must(t, 200)
	h := img.Header()
	if h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Security-Policy") != "default-src 'none'" || !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Fatalf("image headers %v", h)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(img.Body.Bytes()))
	if err != nil || cfg.Width != logoSide || cfg.Height != logoSide*800/1200 {
		t.Fatalf("served logo %dx%d (%v)", cfg.Width, cfg.Height, err)
	}
	if bytes.Contains(img.Body.Bytes(), []byte("taken-at-home")) {
		t.Fatal("the served logo keeps its EXIF")
	}
	env.do("GET", "/images/"+strings.Repeat("0", 64), "", nil).must(t, 404)
	env.do("GET", "/images/../../etc/passwd", "", nil)

	// Saving without a file keeps the logo; ticking "remove" removes it.
	env.doMultipart("/admin/associations/amis/edit", olga, map[string]string{"name": "Les amis du Lot"}, "", nil).
		redirects(t, "/admin/associations/amis/edit?saved=1")
	if got, _ := env.s.AssociationLogo(ctx, as.ID); got != sha {
		t.Fatalf("a save without a file changed the logo to %q", got)
	}
	env.doMultipart("/admin/associations/amis/edit", olga, map[string]string{"name": "Les amis du Lot", "remove_logo": "on"}, "", nil).
		redirects(t, "/admin/associations/amis/edit?saved=1")
	if got, _ := env.s.AssociationLogo(ctx, as.ID); got != "" {
		t.Fatalf("the logo is still %q after its removal", got)
	}
}

// Bad input: the form again, each error next to its field, the values as
// typed, and nothing saved — not the profile, not the image.
func TestAssociationProfileRefusesBadInput(t *testing.T) {
	env := newAdminEnv(t)
	olga := env.session("olga")
	png100MP, polyglot := hostilePictures(t)
	for _, c := range []struct {
		name   string
		fields map[string]string
		logo   []byte
		code   int
		want   []string
	}{
		{"no name", map[string]string{"name": " ", "website": "https://ok.example"}, nil, 422, []string{`id="name-err"`, "Indiquez un nom.", `value="https://ok.example"`}},
		{"bad website", map[string]string{"name": "Les amis", "website": "javascript:alert(1)"}, nil, 422, []string{`id="website-err"`, "commence par https://"}},
		{"unknown commune", map[string]string{"name": "Les amis", "commune": "75056"}, nil, 422, []string{`id="commune-err"`, "Choisissez une commune du Lot-et-Garonne"}},
		{"svg logo", map[string]string{"name": "Les amis renommés"}, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 422,
			[]string{`id="logo-err"`, "pas une image PNG, JPEG, GIF ou WebP", `value="Les amis renommés"`}},
		{"polyglot logo", map[string]string{"name": "Les amis"}, polyglot, 422, []string{`id="logo-err"`, "autre chose après l&#39;image"}},
		{"100 megapixels", map[string]string{"name": "Les amis"}, png100MP, 422, []string{`id="logo-err"`, "dépasse 40 mégapixels"}},
		{"over 5 MiB", map[string]string{"name": "Les amis"}, make([]byte, maxLogoBytes+maxForm+1), 413, []string{`id="logo-err"`, "dépasse 5 Mio"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := env.snapshot()
			file := ""
			if c.logo != nil {
				file = "logo"
			}
			env.doMultipart("/admin/associations/amis/edit", olga, c.fields, file, c.logo).must(t, c.code, c.want...)
			if after := env.snapshot(); after != before {
				t.Fatalf("a refused form changed the store:\n%s\n%s", before, after)
			}
		})
	}
	if as, _ := env.s.GetAssociationBySlug(context.Background(), "amis"); as.Name != "Les amis" {
		t.Fatalf("name %q", as.Name)
	}
}

// hostilePictures are a 100-megapixel PNG (only its header: refused before
// any pixel is decoded) and a JPEG with an HTML page after it.
func hostilePictures(t *testing.T) (png100MP, polyglot []byte) {
	t.Helper()
	// The header of a 10,000 × 10,000 grey PNG: read, and refused, before
	// any pixel is decoded.
	ihdr := []byte("IHDR\x00\x00\x27\x10\x00\x00\x27\x10\x01\x00\x00\x00\x00")
	var big bytes.Buffer
	big.WriteString("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")
	big.Write(ihdr)
	binary.Write(&big, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	big.WriteString("\x00\x00\x00\x00IEND\xae\x42\x60\x82")
	polyglot = append(photo(t, 20, 20), "<html><script>alert(1)</script></html>"...)
	return big.Bytes(), polyglot
}
