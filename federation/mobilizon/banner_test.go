package mobilizon

import (
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// An event's picture (IMAGE in its iCalendar text) goes to Mobilizon as
// the Document named "Banner", between the metadata and the online
// address, and Bastide reads it back as the banner.
func TestEventObjectBanner(t *testing.T) {
	data := strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//t//FR
BEGIN:VEVENT
UID:atelier
DTSTAMP:20260301T000000Z
DTSTART:20260310T170000Z
SUMMARY:Atelier numérique
IMAGE;VALUE=URI;DISPLAY=FULLSIZE:https://bastide.example/media/affiche.jpg
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	ev := &model.Event{UUID: "7e8d9c0b-1a2b-4c3d-9e4f-5a6b7c8d9e0f", Summary: "Atelier numérique", Data: data,
		Location: "https://meet.jit.si/AtelierNumerique47", Start: time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC),
		End: time.Date(2026, 3, 10, 18, 30, 0, 0, time.UTC), TZID: "Europe/Paris"}
	obj := roundTrip(t, EventObject(ev, assoc, nil, hub))
	atts, _ := obj["attachment"].([]any)
	var kinds []string
	for _, a := range atts {
		m := a.(map[string]any)
		kinds = append(kinds, TypeOf(m)+":"+str(m["name"])+str(m["propertyID"]))
	}
	if got := strings.Join(kinds, " "); got != "PropertyValue:mz:visio:jitsi_meet Document:Banner Link:Website" {
		t.Fatalf("attachments %q", got)
	}
	banner := atts[1].(map[string]any)
	if banner["url"] != "https://bastide.example/media/affiche.jpg" || banner["mediaType"] != "image/jpeg" {
		t.Errorf("banner %v", banner)
	}
	if p := Validate(obj); len(p) != 0 {
		t.Errorf("Validate: %q", p)
	}
	r, err := ParseEvent(obj)
	if err != nil || r.PictureURL != "https://bastide.example/media/affiche.jpg" {
		t.Errorf("read back: picture %q, err %v", r.PictureURL, err)
	}

	// Without a picture, no banner.
	ev.Data = strings.Replace(data, "IMAGE;VALUE=URI;DISPLAY=FULLSIZE:https://bastide.example/media/affiche.jpg\r\n", "", 1)
	obj = roundTrip(t, EventObject(ev, assoc, nil, hub))
	for _, a := range obj["attachment"].([]any) {
		if a.(map[string]any)["name"] == "Banner" {
			t.Errorf("a banner without a picture: %v", a)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }
