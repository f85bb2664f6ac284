package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// testNow is the fixed "now" of the tests: Monday 6 April 2026, 10:00 in Paris.
var testNow = time.Date(2026, 4, 6, 8, 0, 0, 0, time.UTC)

const testBase = "https://agenda.test"

// Hostile strings, stored through the store and a remote-event fixture.
const (
	hostileSummary = `<script>alert("x1")</script>"'><img src=x onerror=alert(2)> Fête`
	hostileText    = `</script><script>alert(3)</script><svg onload=alert(4)> & "quotes" 'single'`
)

type fixture struct {
	t      testing.TB
	s      *db.Store
	h      http.Handler
	assocs map[string]*model.Association
	cals   map[string]*model.Calendar
	uuids  map[string]string // UID -> public uuid
	ids    map[string]int64  // UID -> event id
}

// putICS stores an iCalendar object the way CalDAV does: ParseObject,
// Event, then PutEvent.
func (f *fixture) putICS(cal *model.Calendar, text string, mutate func(*model.Event)) *model.Event {
	f.t.Helper()
	text = strings.ReplaceAll(strings.TrimSpace(text), "\n", "\r\n") + "\r\n"
	obj, err := ical.ParseObject([]byte(text), ical.DefaultLimits())
	if err != nil {
		f.t.Fatalf("parse: %v\n%s", err, text)
	}
	e, err := obj.Event(testNow, ical.DefaultLimits())
	if err != nil {
		f.t.Fatalf("event: %v", err)
	}
	e.CalendarID = cal.ID
	e.Href = obj.UID + ".ics"
	if com, ok := model.FindCommuneIn(e.Location); ok {
		e.CommuneINSEE = com.INSEE
	}
	if mutate != nil {
		mutate(e)
	}
	if _, err := f.s.PutEvent(context.Background(), db.Put{Event: e}); err != nil {
		f.t.Fatalf("put %s: %v", obj.UID, err)
	}
	f.uuids[obj.UID] = e.UUID
	f.ids[obj.UID] = e.ID
	return e
}

func (f *fixture) assoc(slug, name, insee, desc, website string) *model.Calendar {
	f.t.Helper()
	ctx := context.Background()
	a := &model.Association{Slug: slug, Name: name, CommuneINSEE: insee, Description: desc, Website: website}
	if err := f.s.CreateAssociation(ctx, a); err != nil {
		f.t.Fatal(err)
	}
	c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: "main", Name: "Agenda", Public: true}
	if err := f.s.CreateCalendar(ctx, c); err != nil {
		f.t.Fatal(err)
	}
	f.assocs[slug], f.cals[slug] = a, c
	return c
}

// newFixture seeds demo-like data: several associations in real communes,
// a recurring event with an exception and a moved occurrence, a monthly
// one, an all-day festival, a cancellation, a private event, a hostile
// local event and a hostile remote (Mobilizon) event.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, s: dbtest.New(t), assocs: map[string]*model.Association{}, cals: map[string]*model.Calendar{},
		uuids: map[string]string{}, ids: map[string]int64{}}
	ctx := context.Background()
	cine := f.assoc("cine-agen", "Ciné-club d'Agen", "47001", "Projections et débats\ndepuis 1972.", "https://cine.example/")
	rando := f.assoc("rando-villeneuve", "Randonneurs de Villeneuve", "47323", "Marches chaque semaine.", "")
	fetes := f.assoc("fetes-marmande", "Comité des fêtes de Marmande", "47157", "", "")
	bad := f.assoc("hostile", hostileSummary, "47195", hostileText, "")

	private := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: f.assocs["cine-agen"].ID, Slug: "bureau", Name: "Bureau", Public: false}
	if err := f.s.CreateCalendar(ctx, private); err != nil {
		t.Fatal(err)
	}
	f.cals["private"] = private
	remote := &model.Calendar{Kind: model.CalendarRemote, Slug: "mobilizon-test", Name: "Mobilizon", Public: true,
		Source: "https://mobilizon.test/@bal", Trusted: true}
	if err := f.s.CreateCalendar(ctx, remote); err != nil {
		t.Fatal(err)
	}
	f.cals["remote"] = remote

	place := &model.Place{Name: "Salle des fêtes", Street: "12 rue de la Libération", PostalCode: "47200", Locality: "Marmande",
		CommuneINSEE: "47157", Lat: 44.5005, Lon: 0.165, HasGeo: true}
	if err := f.s.EnsurePlace(ctx, place); err != nil {
		t.Fatal(err)
	}

	f.putICS(fetes, `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:fete-musique
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260411T143000
DTEND;TZID=Europe/Paris:20260411T180000
SUMMARY:Fête du printemps
DESCRIPTION:Musique, danse et buvette.\nVenez nombreux !
LOCATION:Salle des fêtes, 12 rue de la Libération, 47200 Marmande
CATEGORIES:Musique,Fête
GEO:44.5005;0.165
X-BASTIDE-PRICE:Gratuit
X-BASTIDE-ACCESSIBILITY:Salle accessible en fauteuil roulant
X-BASTIDE-ACCESSIBILITY:Boucle magnétique
URL:https://fetes.example/printemps
END:VEVENT
END:VCALENDAR`, func(e *model.Event) { e.PlaceID = place.ID })

	f.putICS(rando, `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:rando-mardi
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260407T090000
DTEND;TZID=Europe/Paris:20260407T120000
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T215959Z
EXDATE;TZID=Europe/Paris:20260414T090000
SUMMARY:Randonnée du mardi
LOCATION:Place Lafayette, Villeneuve-sur-Lot
CATEGORIES:Randonnée
DESCRIPTION:Tarif : 2 € pour les non-adhérents\nAccessibilité : parcours non accessible aux fauteuils
END:VEVENT
BEGIN:VEVENT
UID:rando-mardi
DTSTAMP:20260301T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260421T090000
DTSTART;TZID=Europe/Paris:20260422T090000
DTEND;TZID=Europe/Paris:20260422T120000
SUMMARY:Randonnée du mardi (déplacée au mercredi)
LOCATION:Place Lafayette, Villeneuve-sur-Lot
END:VEVENT
BEGIN:VEVENT
UID:rando-mardi
DTSTAMP:20260301T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260428T090000
DTSTART;TZID=Europe/Paris:20260428T090000
DTEND;TZID=Europe/Paris:20260428T120000
STATUS:CANCELLED
SUMMARY:Randonnée du mardi
END:VEVENT
END:VCALENDAR`, nil)

	f.putICS(cine, `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:cine-debat
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260502T203000
DTEND;TZID=Europe/Paris:20260502T230000
RRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=6
SUMMARY:Ciné-débat
LOCATION:Cinéma Les Montreurs d'images, Agen
CATEGORIES:Cinéma
CONFERENCE;VALUE=URI:https://visio.example/cine
END:VEVENT
END:VCALENDAR`, nil)

	f.putICS(cine, `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:festival
DTSTAMP:20260301T000000Z
DTSTART;VALUE=DATE:20260418
DTEND;VALUE=DATE:20260421
SUMMARY:Festival du film court
LOCATION:Agen
CATEGORIES:Cinéma
END:VEVENT
END:VCALENDAR`, nil)

	f.putICS(fetes, `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:concert-annule
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260410T200000
DTEND;TZID=Europe/Paris:20260410T230000
STATUS:CANCELLED
SUMMARY:Concert de jazz
LOCATION:Marmande
END:VEVENT
END:VCALENDAR`, nil)

	f.putICS(private, `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:reunion-privee
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260409T180000
DTEND;TZID=Europe/Paris:20260409T190000
SUMMARY:Réunion secrète du bureau
LOCATION:Agen
END:VEVENT
END:VCALENDAR`, nil)

	long := strings.Repeat("très long titre ", 50)
	f.putICS(bad, `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:hostile-local
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260408T100000
DTEND;TZID=Europe/Paris:20260408T110000
SUMMARY:x
LOCATION:x
END:VEVENT
END:VCALENDAR`, func(e *model.Event) {
		e.Summary = hostileSummary + " " + long
		e.Location = `"><img src=x onerror=alert(5)>, Nérac`
		e.Description = hostileText
		e.URL = "javascript:alert(6)"
		e.Categories = []string{`<b>cat</b>`}
		e.CommuneINSEE = "47195"
	})

	// A remote event (Mobilizon), stored as the federation does: fields
	// from the ActivityStreams object, text built with ical.FromEvent.
	re := &model.Event{CalendarID: remote.ID, UID: "https://mobilizon.test/events/bal", Href: "bal.ics", Component: "VEVENT",
		Summary: `Bal <script>alert("r1")</script>`, Description: `<p>Bal trad</p><script>alert("r2")</script><img src=x onerror=alert("r3")><a href="javascript:alert(1)">lien</a>`,
		Location: "Halle, Fumel", Start: time.Date(2026, 4, 9, 19, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 9, 23, 0, 0, 0, time.UTC),
		TZID: "Europe/Paris", Status: model.StatusConfirmed, URL: "javascript:alert(7)", Origin: model.OriginRemote,
		APID: "https://mobilizon.test/events/bal", Categories: []string{"PARTY"}, CommuneINSEE: "47106", Moderation: model.ModerationApproved}
	data, err := ical.FromEvent(re)
	if err != nil {
		t.Fatal(err)
	}
	re.Data = string(data)
	re.Instances = []model.Instance{{Start: re.Start, End: re.End}}
	if _, err := f.s.PutEvent(ctx, db.Put{Event: re}); err != nil {
		t.Fatal(err)
	}
	f.uuids[re.UID], f.ids[re.UID] = re.UUID, re.ID

	// A deleted public event: its page answers 410.
	gone := f.putICS(fetes, `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:supprime
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260412T100000
SUMMARY:Supprimé
END:VEVENT
END:VCALENDAR`, nil)
	if _, err := f.s.DeleteEvent(ctx, fetes.ID, gone.Href, ""); err != nil {
		t.Fatal(err)
	}
	f.h = New(f.s, nil, Options{BaseURL: testBase, Now: func() time.Time { return testNow }})
	return f
}

type resp struct {
	code int
	hdr  http.Header
	body string
}

func (f *fixture) get(path string, hdr ...string) resp {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return resp{code: rec.Code, hdr: rec.Header(), body: string(b)}
}

func putOf(e *model.Event) db.Put { return db.Put{Event: e} }
