package web

import "testing"

// An event's poster (IMAGE, RFC 7986) shows on its page when it is stored
// on this instance, and is the JSON-LD image and og:image; a poster
// elsewhere is linked, not loaded (the page's CSP loads no outside image,
// and visitors' addresses are not handed to a third party).
func TestEventPageImage(t *testing.T) {
	f := newFixture(t)
	ics := func(uid, image string) string {
		return `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:` + uid + `
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260415T200000
DTEND;TZID=Europe/Paris:20260415T230000
SUMMARY:Bal folk
LOCATION:Agen
` + image + `
END:VEVENT
END:VCALENDAR`
	}
	local := f.putICS(f.cals["cine-agen"], ics("bal-local", "IMAGE;VALUE=URI;DISPLAY=FULLSIZE:"+testBase+"/media/bal.jpg"), nil)
	r := f.get("/events/" + local.UUID)
	mustContain(t, "local poster", r.body, `<img src="`+testBase+`/media/bal.jpg" alt="Affiche`+"\u00a0"+`: Bal folk"`,
		`<meta property="og:image" content="`+testBase+`/media/bal.jpg">`)
	if ld := jsonLD(t, r.body); ld["image"] != testBase+"/media/bal.jpg" {
		t.Errorf("JSON-LD image %v", ld["image"])
	}

	remote := f.putICS(f.cals["cine-agen"], ics("bal-remote", "ATTACH;FMTTYPE=image/png:https://drive.example/affiche.png"), nil)
	r = f.get("/events/" + remote.UUID)
	mustContain(t, "remote poster", r.body, `<a href="https://drive.example/affiche.png" rel="nofollow noopener noreferrer ugc">Voir l&#39;affiche</a>`)
	mustNotContain(t, "remote poster", r.body, `<img src="https://drive.example`)
	if ld := jsonLD(t, r.body); ld["image"] != "https://drive.example/affiche.png" {
		t.Errorf("JSON-LD image %v", ld["image"])
	}

	plain := f.get("/events/" + f.uuids["festival"])
	mustNotContain(t, "no poster", plain.body, `class="poster`, "og:image")
	if ld := jsonLD(t, plain.body); ld["image"] != nil {
		t.Errorf("JSON-LD image without a poster: %v", ld["image"])
	}
}
