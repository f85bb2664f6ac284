package main

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// TestPosterRoad writes, over CalDAV to a running `bastide serve`, an
// event carrying its poster as IMAGE (RFC 7986): the event page shows it,
// its JSON-LD names it, and the Event delivered to a follower carries it
// as the attachment named "Banner" that Mobilizon takes as its banner.
func TestPosterRoad(t *testing.T) {
	data := t.TempDir()
	password := memberWithAppPassword(t, data, "amis-marche", "Les Amis du marché", "editor")

	store := openStore(t, data)
	ctx := context.Background()
	assoc, inbox := followedBy(t, store, "amis-marche", "mz")

	srv := startServe(t, data, "--allow-private-addresses")
	defer srv.stop(t)
	// The public base URL serve takes by default names localhost.
	poster := "http://localhost" + strings.TrimPrefix(srv.url, "http://127.0.0.1") + "/media/affiche-marche.jpg"
	day := time.Now().AddDate(0, 0, 5).Format("20060102")
	ics := strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
BEGIN:VEVENT
UID:marche-nocturne@example.org
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:`+day+`T190000
DTEND;TZID=Europe/Paris:`+day+`T230000
SUMMARY:Marché nocturne
LOCATION:Place du marché, Nérac
IMAGE;VALUE=URI;DISPLAY=FULLSIZE;FMTTYPE=image/jpeg:`+poster+`
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	req, _ := http.NewRequest("PUT", srv.url+"/dav/calendars/alice/amis-marche.agenda/marche.ics", strings.NewReader(ics))
	req.SetBasicAuth("alice", password)
	req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("CalDAV PUT: %s", resp.Status)
	}
	cal, err := store.GetAssociationCalendar(ctx, assoc.ID, "agenda")
	if err != nil {
		t.Fatal(err)
	}
	if cal.Name != "Agenda des Amis du marché" {
		t.Errorf("calendar name %q", cal.Name)
	}
	ev, err := store.GetEventByHref(ctx, cal.ID, "marche.ics")
	if err != nil {
		t.Fatal(err)
	}

	page := get(t, srv.url+model.EventPath(ev.UUID))
	if !strings.Contains(page, `<figure class="poster"><img src="`+poster+`"`) {
		t.Errorf("the event page does not show the poster")
	}
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD on the event page")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	if ld["image"] != poster {
		t.Errorf("JSON-LD image %v, want %s", ld["image"], poster)
	}

	eventually(t, 20*time.Second, func() bool {
		delivered := inbox.delivered()
		return len(delivered) >= 1
	})
	delivered := inbox.delivered()
	obj, _ := delivered[0]["object"].(map[string]any)
	atts, _ := obj["attachment"].([]any)
	found := false
	for _, a := range atts {
		if m, _ := a.(map[string]any); m["type"] == "Document" && m["name"] == "Banner" && m["url"] == poster && m["mediaType"] == "image/jpeg" {
			found = true
		}
	}
	if !found {
		b, _ := json.Marshal(obj)
		t.Errorf("no Banner attachment with the poster in the Event sent: %s", b)
	}
}
