package ical

import (
	"strings"
	"testing"
)

func TestImage(t *testing.T) {
	wrap := func(props string) string {
		return strings.ReplaceAll("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//FR\nBEGIN:VEVENT\nUID:u\nDTSTAMP:20260301T000000Z\nDTSTART:20260410T180000Z\nSUMMARY:Bal\n"+props+"END:VEVENT\nEND:VCALENDAR\n", "\n", "\r\n")
	}
	for _, tc := range []struct {
		name, props string
		want        Picture
	}{
		{"none", "", Picture{}},
		{"image uri", "IMAGE;VALUE=URI:https://a.test/p/affiche.png\n", Picture{"https://a.test/p/affiche.png", "image/png"}},
		{"fullsize preferred", "IMAGE;VALUE=URI;DISPLAY=THUMBNAIL:https://a.test/small.jpg\nIMAGE;VALUE=URI;DISPLAY=FULLSIZE;FMTTYPE=image/webp:https://a.test/big\n", Picture{"https://a.test/big", "image/webp"}},
		{"first image", "IMAGE;VALUE=URI;DISPLAY=BADGE:https://a.test/a.jpg?v=2\nIMAGE;VALUE=URI:https://a.test/b.jpg\n", Picture{"https://a.test/a.jpg?v=2", "image/jpeg"}},
		{"google attach", "ATTACH;FILENAME=affiche.jpg;FMTTYPE=image/jpeg:https://drive.test/open?id=1\n", Picture{"https://drive.test/open?id=1", "image/jpeg"}},
		{"attach not an image", "ATTACH;FMTTYPE=application/pdf:https://a.test/prog.pdf\n", Picture{}},
		{"attach without type", "ATTACH:https://a.test/x.jpg\n", Picture{}},
		{"image wins over attach", "ATTACH;FMTTYPE=image/png:https://a.test/att.png\nIMAGE;VALUE=URI:https://a.test/img.png\n", Picture{"https://a.test/img.png", "image/png"}},
		{"no javascript", "IMAGE;VALUE=URI:javascript:alert(1)\n", Picture{}},
		{"inline binary", "IMAGE;VALUE=BINARY;ENCODING=BASE64;FMTTYPE=image/png:iVBORw0KGgo=\n", Picture{}},
		{"unknown type", "IMAGE;VALUE=URI:https://a.test/poster\n", Picture{"https://a.test/poster", ""}},
	} {
		if got := Image(wrap(tc.props)); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got := Image("not ical"); got != (Picture{}) {
		t.Errorf("garbage: %+v", got)
	}
}
