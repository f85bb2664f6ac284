package picture

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"
)

const maxBytes = 5 << 20

func drawn(w, h int, alpha uint8) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 120, alpha})
		}
	}
	return m
}

func pngOf(t *testing.T, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegOf(t *testing.T, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifOf(t *testing.T, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withExif puts an APP1 (EXIF) segment carrying a GPS-like marker right
// after a JPEG's start of image.
func withExif(j []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), []byte("GPS 44.2 0.6 secret-camera-serial")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

func refusal(t *testing.T, data []byte, key string) {
	t.Helper()
	_, err := Process(bytes.NewReader(data), maxBytes, 512)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want the refusal %s", err, key)
	}
	if e.Key != key {
		t.Fatalf("refused with %s (%v), want %s", e.Key, e, key)
	}
}

func TestProcessAccepts(t *testing.T) {
	for _, c := range []struct {
		name       string
		data       []byte
		mime       string
		w, h       int
		mustNotSee string
	}{
		{"png with transparency, shrunk", pngOf(t, drawn(1024, 600, 128)), "image/png", 512, 300, ""},
		{"opaque png becomes jpeg", pngOf(t, drawn(40, 30, 255)), "image/jpeg", 40, 30, ""},
		{"tall jpeg with exif", withExif(jpegOf(t, drawn(300, 900, 255))), "image/jpeg", 170, 512, "secret-camera-serial"},
		{"gif", gifOf(t, drawn(64, 64, 255)), "image/jpeg", 64, 64, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.mustNotSee != "" && !bytes.Contains(c.data, []byte(c.mustNotSee)) {
				t.Fatal("the test file lacks its metadata")
			}
			if c.mustNotSee != "" {
				if _, _, err := image.DecodeConfig(bytes.NewReader(c.data)); err != nil {
					t.Fatalf("the test file is not a readable image: %v", err)
				}
			}
			r, err := Process(bytes.NewReader(c.data), maxBytes, 512)
			if err != nil {
				t.Fatal(err)
			}
			if r.MIME != c.mime || r.Width != c.w || r.Height != c.h {
				t.Fatalf("got %s %dx%d, want %s %dx%d", r.MIME, r.Width, r.Height, c.mime, c.w, c.h)
			}
			cfg, name, err := image.DecodeConfig(bytes.NewReader(r.Bytes))
			if err != nil || "image/"+name != r.MIME || cfg.Width != c.w || cfg.Height != c.h {
				t.Fatalf("the output reads as %s %dx%d (%v)", name, cfg.Width, cfg.Height, err)
			}
			if c.mustNotSee != "" && bytes.Contains(r.Bytes, []byte(c.mustNotSee)) {
				t.Fatal("the metadata survived the re-encoding")
			}
			if len(r.SHA256) != 64 {
				t.Fatalf("sha256 %q", r.SHA256)
			}
		})
	}
}

func TestProcessRefusesHostileFiles(t *testing.T) {
	png1 := pngOf(t, drawn(16, 16, 255))
	var zipped bytes.Buffer
	zipped.Write(png1)
	zw := zip.NewWriter(&zipped)
	fw, _ := zw.Create("payload.html")
	fw.Write([]byte("<script>alert(1)</script>"))
	zw.Close()
	// The classic GIF/JavaScript polyglot: a GIF whose header reads as the
	// start of a comment, with the script after the image's trailer.
	gifJS := gifOf(t, drawn(8, 8, 255))
	gifJS = append(gifJS, []byte("*/=alert(document.domain);/*")...)

	for _, c := range []struct {
		name, key string
		data      []byte
	}{
		{"svg with a script", "form.image.type", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`)},
		{"svg without xml declaration", "form.image.type", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>`)},
		{"html", "form.image.type", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")},
		{"png with a zip after it", "form.image.trailing", zipped.Bytes()},
		{"png with html after it", "form.image.trailing", append(append([]byte{}, png1...), "<html><script>alert(1)</script></html>"...)},
		{"gif with javascript after it", "form.image.trailing", gifJS},
		{"jpeg with html after it", "form.image.trailing", append(jpegOf(t, drawn(16, 16, 255)), "<script>alert(1)</script>"...)},
		{"truncated png", "form.image.corrupt", png1[:40]},
		{"empty", "form.image.empty", nil},
		{"too many bytes", "form.image.too_large", append(append([]byte{}, png1...), make([]byte, maxBytes)...)},
	} {
		t.Run(c.name, func(t *testing.T) { refusal(t, c.data, c.key) })
	}
}

// hugePNG is a valid 1-bit grey PNG of w × h pixels, all black: a few
// kilobytes on disk, w × h bytes once decoded.
func hugePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		b.Write(n[:])
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.BigEndian.PutUint32(n[:], c.Sum32())
		b.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 1, 0 // 1 bit, greyscale
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+(w+7)/8)
	for y := 0; y < h; y++ {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

func TestProcessRefuses100MegapixelsWithoutDecoding(t *testing.T) {
	bomb := hugePNG(t, 10_000, 10_000)
	if len(bomb) > maxBytes {
		t.Fatalf("the bomb is %d bytes, over the upload bound", len(bomb))
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(bomb)); err != nil || cfg.Width != 10_000 {
		t.Fatalf("the bomb is not a valid PNG header: %v", err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	refusal(t, bomb, "form.image.pixels")
	runtime.ReadMemStats(&after)
	// Decoding would allocate 100 MB; reading the header takes the file's
	// own size and little more.
	if got := after.TotalAlloc - before.TotalAlloc; got > 4*uint64(len(bomb))+(1<<20) {
		t.Fatalf("refusing the bomb allocated %d bytes", got)
	}
}

func TestEndOfWebP(t *testing.T) {
	riff := func(body string) []byte {
		b := []byte("RIFF\x00\x00\x00\x00WEBP" + body)
		binary.LittleEndian.PutUint32(b[4:], uint32(4+len(body)))
		return b
	}
	whole := riff("VP8L....")
	if end, ok := webpEnd(whole); !ok || end != len(whole) {
		t.Fatalf("a whole RIFF ends at %d, %v", end, ok)
	}
	tail := append(append([]byte{}, whole...), "<html>"...)
	if end, ok := webpEnd(tail); !ok || end == len(tail) {
		t.Fatalf("trailing bytes not seen: %d, %v", end, ok)
	}
	if _, ok := webpEnd(whole[:len(whole)-2]); ok {
		t.Fatal("a cut RIFF passes")
	}
}

func TestErrorsSayWhat(t *testing.T) {
	_, err := Process(strings.NewReader("just text"), maxBytes, 512)
	if err == nil || !strings.Contains(err.Error(), "PNG, JPEG, GIF or WebP") {
		t.Fatalf("error %v", err)
	}
	if _, ok := IsRefusal(err); !ok {
		t.Fatal("a refusal is not recognised as one")
	}
}
