// Package picture takes an image uploaded to the back office (a logo, a
// poster) and makes it safe to serve: the upload is bounded in bytes, its
// type is sniffed from its content (PNG, JPEG, GIF or WebP, nothing else),
// its dimensions are read from its header and refused past a number of
// pixels before anything is decoded, a file that carries anything after
// the image's own end (a polyglot: GIF + JavaScript, PNG + ZIP or HTML) is
// refused, and what remains is decoded, shrunk to fit a square of maxSide
// pixels and encoded again (PNG, or JPEG for an opaque picture), which
// leaves behind every metadata block (EXIF, XMP, comments).
//
// Its errors carry a key of web's message catalogue, so that a page shows
// the refusal in its language next to the file field.
package picture

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF with image.Decode
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers WebP with image.Decode
)

// MaxPixels bounds width × height of an upload, checked from its header
// before decoding: 40 megapixels is larger than any phone's photo.
const MaxPixels = 40_000_000

// maxDecoding bounds the images decoded at the same time.
const maxDecoding = 2

var decoding = make(chan struct{}, maxDecoding)

// Result is a re-encoded image.
type Result struct {
	Bytes  []byte
	MIME   string // image/png or image/jpeg
	Width  int
	Height int
	SHA256 string // hex, of Bytes
}

// Error is a refusal in words: Key is a message of web's catalogue, Args
// its arguments.
type Error struct {
	Key  string
	Args []any
	text string
}

func (e *Error) Error() string { return "picture: " + e.text }

func refuse(key, text string, args ...any) *Error {
	return &Error{Key: key, Args: args, text: fmt.Sprintf(text, args...)}
}

// The formats accepted, as http.DetectContentType names them, with the
// name image.DecodeConfig gives and the check of the file's end.
var formats = map[string]struct {
	name string
	end  func([]byte) (int, bool)
}{
	"image/png":  {"png", pngEnd},
	"image/jpeg": {"jpeg", jpegEnd},
	"image/gif":  {"gif", gifEnd},
	"image/webp": {"webp", webpEnd},
}

// Process reads at most maxBytes from r and returns the image re-encoded
// to fit within maxSide × maxSide pixels. A refusal is an *Error.
func Process(r io.Reader, maxBytes int64, maxSide int) (Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("picture: read: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return Result{}, refuse("form.image.too_large", "the file is larger than %d MiB", maxBytes>>20)
	}
	if len(data) == 0 {
		return Result{}, refuse("form.image.empty", "the file is empty")
	}
	f, ok := formats[http.DetectContentType(data)]
	if !ok {
		return Result{}, refuse("form.image.type", "the file is not a PNG, JPEG, GIF or WebP image")
	}
	cfg, name, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || name != f.name {
		return Result{}, refuse("form.image.corrupt", "the image cannot be read")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Result{}, refuse("form.image.pixels", "the image is larger than %d megapixels", MaxPixels/1_000_000)
	}
	end, ok := f.end(data)
	if !ok {
		return Result{}, refuse("form.image.corrupt", "the image cannot be read")
	}
	if end != len(data) {
		return Result{}, refuse("form.image.trailing", "the file carries something after the image")
	}
	// Decoding takes up to a few hundred MB for the largest pictures
	// allowed: at most maxDecoding of them at once, whoever sends them.
	decoding <- struct{}{}
	defer func() { <-decoding }()
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Result{}, refuse("form.image.corrupt", "the image cannot be read")
	}
	return encode(src, maxSide)
}

// encode draws src into a fresh RGBA picture at most maxSide on a side
// (keeping its proportions) and encodes it: JPEG when it is opaque, PNG
// otherwise.
func encode(src image.Image, maxSide int) (Result, error) {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > maxSide || h > maxSide {
		if w >= h {
			w, h = maxSide, max(1, h*maxSide/w)
		} else {
			w, h = max(1, w*maxSide/h), maxSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	var out bytes.Buffer
	res := Result{Width: w, Height: h}
	if dst.Opaque() {
		res.MIME = "image/jpeg"
		if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85}); err != nil {
			return Result{}, fmt.Errorf("picture: encode jpeg: %w", err)
		}
	} else {
		res.MIME = "image/png"
		if err := png.Encode(&out, dst); err != nil {
			return Result{}, fmt.Errorf("picture: encode png: %w", err)
		}
	}
	res.Bytes = out.Bytes()
	sum := sha256.Sum256(res.Bytes)
	res.SHA256 = hex.EncodeToString(sum[:])
	return res, nil
}

// IsRefusal tells whether err is a refusal of the upload (to show next to
// the field) rather than a fault.
func IsRefusal(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// The end checks walk a file's structure and return the offset just past
// the image's last byte; false when the structure is broken.

func pngEnd(d []byte) (int, bool) {
	i := 8 // signature
	for i+12 <= len(d) {
		n := int(uint32(d[i])<<24 | uint32(d[i+1])<<16 | uint32(d[i+2])<<8 | uint32(d[i+3]))
		typ := string(d[i+4 : i+8])
		if n < 0 || n > len(d)-i-12 {
			return 0, false
		}
		i += 12 + n
		if typ == "IEND" {
			return i, true
		}
	}
	return 0, false
}

func jpegEnd(d []byte) (int, bool) {
	if len(d) < 4 || d[0] != 0xFF || d[1] != 0xD8 {
		return 0, false
	}
	i := 2
	for i+1 < len(d) {
		if d[i] != 0xFF {
			return 0, false
		}
		m := d[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0xD9: // end of image
			return i + 2, true
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7): // no length
			i += 2
			continue
		}
		if i+4 > len(d) {
			return 0, false
		}
		n := int(d[i+2])<<8 | int(d[i+3])
		if n < 2 || i+2+n > len(d) {
			return 0, false
		}
		i += 2 + n
		if m == 0xDA { // start of scan: entropy-coded data up to the next marker
			for i+1 < len(d) && (d[i] != 0xFF || d[i+1] == 0 || (d[i+1] >= 0xD0 && d[i+1] <= 0xD7)) {
				i++
			}
		}
	}
	return 0, false
}

func gifEnd(d []byte) (int, bool) {
	if len(d) < 13 {
		return 0, false
	}
	i := 13
	if d[10]&0x80 != 0 {
		i += 3 << (d[10]&7 + 1)
	}
	subBlocks := func() bool {
		for i < len(d) {
			n := int(d[i])
			i += 1 + n
			if n == 0 {
				return true
			}
		}
		return false
	}
	for i < len(d) {
		switch d[i] {
		case 0x3B: // trailer
			return i + 1, true
		case 0x21: // extension: label, then sub-blocks
			i += 2
			if !subBlocks() {
				return 0, false
			}
		case 0x2C: // image: descriptor, local colours, LZW code size, sub-blocks
			if i+10 > len(d) {
				return 0, false
			}
			flags := d[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i++ // LZW minimum code size
			if !subBlocks() {
				return 0, false
			}
		default:
			return 0, false
		}
	}
	return 0, false
}

func webpEnd(d []byte) (int, bool) {
	if len(d) < 12 {
		return 0, false
	}
	n := int(uint32(d[4]) | uint32(d[5])<<8 | uint32(d[6])<<16 | uint32(d[7])<<24)
	if n < 4 || n > len(d)-8 {
		return 0, false
	}
	return 8 + n, true
}
