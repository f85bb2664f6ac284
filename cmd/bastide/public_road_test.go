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

// TestPublicRoadEndToEnd writes, over CalDAV to a running `bastide
// serve`, a public weekly series whose first date moved to another town
// under another title and whose second date is CLASS:PRIVATE, with a
// member's address and a javascript: link on the series. It then reads
// every public output (agenda list and week, ICS feed, RSS, JSON API, the
// event page and its JSON-LD, the event's .ics) and the ActivityPub
// objects delivered to a follower's inbox: the moved date shows as it is
// everywhere, and nothing of the private date or of the member's address
// appears anywhere.
func TestPublicRoadEndToEnd(t *testing.T) {
	data := t.TempDir()
	password := memberWithAppPassword(t, data, "chorale-nerac", "Chorale de Nérac", "owner")

	// A Mobilizon instance follows the association: its inbox records
	// what it is sent.
	store := openStore(t, data)
	ctx := context.Background()
	assoc, inbox := followedBy(t, store, "chorale-nerac", "ann")

	srv := startServe(t, data, "--allow-private-addresses")
	defer srv.stop(t)

	paris, _ := time.LoadLocation("Europe/Paris")
	d1 := time.Now().In(paris).AddDate(0, 0, 3)
	d1 = time.Date(d1.Year(), d1.Month(), d1.Day(), 18, 0, 0, 0, paris)
	d2 := d1.AddDate(0, 0, 7)
	local := func(t time.Time) string { return t.Format("20060102T150405") }
	ics := strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
BEGIN:VEVENT
UID:repetitions-chorale@example.org
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:`+local(d1)+`
DTEND;TZID=Europe/Paris:`+local(d1.Add(2*time.Hour))+`
RRULE:FREQ=WEEKLY;COUNT=6
SUMMARY:Répétition de la chorale
LOCATION:Salle des fêtes, Nérac
DESCRIPTION:Toutes les voix sont bienvenues.
ORGANIZER;CN=Marie:mailto:marie.dupont@perso.example
CONFERENCE;VALUE=URI;FEATURE=VIDEO:javascript:alert(document.cookie)
X-MOZ-GENERATION:2
END:VEVENT
BEGIN:VEVENT
UID:repetitions-chorale@example.org
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:`+local(d1)+`
DTSTART;TZID=Europe/Paris:`+local(d1.Add(2*time.Hour))+`
DTEND;TZID=Europe/Paris:`+local(d1.Add(4*time.Hour))+`
SUMMARY:Concert de la chorale à Tonneins
LOCATION:Théâtre municipal, Tonneins
DESCRIPTION:Concert de fin de saison.
END:VEVENT
BEGIN:VEVENT
UID:repetitions-chorale@example.org
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:`+local(d2)+`
DTSTART;TZID=Europe/Paris:`+local(d2)+`
DTEND;TZID=Europe/Paris:`+local(d2.Add(2*time.Hour))+`
CLASS:PRIVATE
SUMMARY:Bureau chez Paul
LOCATION:12 rue des Lilas, Nérac
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	req, _ := http.NewRequest("PUT", srv.url+"/dav/calendars/alice/chorale-nerac.agenda/repetitions.ics", strings.NewReader(ics))
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
	ev, err := store.GetEventByHref(ctx, cal.ID, "repetitions.ics")
	if err != nil {
		t.Fatal(err)
	}

	private := []string{"chez Paul", "Lilas", "marie.dupont", "javascript", "ORGANIZER", "X-MOZ"}
	checkPublic := func(what, body string, want ...string) {
		t.Helper()
		unfolded := strings.ReplaceAll(strings.ReplaceAll(body, "\r\n ", ""), "\\,", ",")
		for _, bad := range private {
			if strings.Contains(unfolded, bad) {
				t.Errorf("%s shows %q", what, bad)
			}
		}
		for _, w := range want {
			if !strings.Contains(unfolded, w) {
				t.Errorf("%s lacks %q", what, w)
			}
		}
	}
	href := `href="` + model.EventPath(ev.UUID) + `"`
	checkPublic("the agenda", get(t, srv.url+"/"), "Concert de la chorale à Tonneins", "Répétition de la chorale", href)
	checkPublic("the week of the private date", get(t, srv.url+"/?view=week&week="+d2.Format("2006-01-02")))
	checkPublic("the week of the moved date", get(t, srv.url+"/?view=week&week="+d1.Format("2006-01-02")), "Concert de la chorale à Tonneins")
	checkPublic("Tonneins' agenda", get(t, srv.url+"/?commune=47310"), "Concert de la chorale à Tonneins")
	feed := get(t, srv.url+"/feeds/agenda.ics")
	checkPublic("the ICS feed", feed, "SUMMARY:Concert de la chorale à Tonneins", "EXDATE;TZID=Europe/Paris:"+local(d2))
	checkPublic("the event's .ics", get(t, srv.url+model.EventICSPath(ev.UUID)), "SUMMARY:Concert de la chorale à Tonneins")
	checkPublic("the RSS feed", get(t, srv.url+"/feeds/agenda.rss"), "Concert de la chorale à Tonneins")
	checkPublic("the Atom feed", get(t, srv.url+"/feeds/agenda.atom"), "Concert de la chorale à Tonneins")
	api := get(t, srv.url+"/api/events?commune=47310")
	checkPublic("the JSON API", api, `"Concert de la chorale à Tonneins"`, `"Tonneins"`)
	page := get(t, srv.url+model.EventPath(ev.UUID))
	checkPublic("the event page", page)
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD on the event page")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	locs, _ := json.Marshal(ld["location"])
	if ld["name"] != "Concert de la chorale à Tonneins" || !strings.Contains(string(locs), "Tonneins") ||
		ld["startDate"] != d1.Add(2*time.Hour).Format(time.RFC3339) {
		t.Errorf("JSON-LD of the next date: %v, %v, %s", ld["name"], ld["startDate"], locs)
	}

	// The fediverse: five dates, the moved one as it is, never the private one.
	eventually(t, 20*time.Second, func() bool {
		delivered := inbox.delivered()
		return len(delivered) >= 5
	})
	delivered := inbox.delivered()
	seen := false
	for _, act := range delivered {
		b, _ := json.Marshal(act)
		checkPublic("an activity delivered", string(b))
		obj, _ := act["object"].(map[string]any)
		if act["type"] != "Create" || obj == nil {
			t.Fatalf("delivered a %v", act["type"])
		}
		if u, _ := obj["url"].(string); !strings.HasSuffix(u, "://localhost"+strings.TrimPrefix(srv.url, "http://127.0.0.1")+model.EventPath(ev.UUID)) {
			t.Errorf("object url %v, want the event page %s", obj["url"], model.EventPath(ev.UUID))
		}
		if obj["startTime"] == d2.Format(time.RFC3339) {
			t.Errorf("the private date was sent: %s", b)
		}
		if obj["startTime"] == d1.Add(2*time.Hour).Format(time.RFC3339) {
			seen = true
			loc, _ := json.Marshal(obj["location"])
			if obj["name"] != "Concert de la chorale à Tonneins" || !strings.Contains(string(loc), "Tonneins") {
				t.Errorf("the moved date went out as %v at %s", obj["name"], loc)
			}
		}
	}
	if !seen {
		t.Error("the moved date was not sent")
	}
}

// eventually waits for cond, polling, at most d.
func eventually(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not done after %s", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
