package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

var eventEditors = []string{"eddy", "olga", "admin"}

// newEventForm is a valid form of a new event.
func newEventForm() url.Values {
	return url.Values{"title": {"Bal du 14 juillet"}, "start_date": {"2026-07-14"}, "start_time": {"21:00"},
		"end_date": {"2026-07-14"}, "end_time": {"23:30"}, "location": {"Place de la mairie"}, "commune": {"Nérac"},
		"description": {"Orchestre et lampions.\nVenez nombreux."}, "price": {"5 €"}, "online": {"https://example.org/bal"},
		"access": {"Accès en fauteuil\nBoucle magnétique"}}
}

// putThunderbird stores the Thunderbird sample in the calendar of assoc,
// as a CalDAV PUT would.
func (env *adminEnv) putThunderbird(assoc string) *model.Event {
	env.t.Helper()
	data, err := os.ReadFile("testdata/thunderbird_edit.ics")
	if err != nil {
		env.t.Fatal(err)
	}
	return env.putData(assoc, "tb.ics", data)
}

func (env *adminEnv) putData(assoc, href string, data []byte) *model.Event {
	env.t.Helper()
	ctx := context.Background()
	cals, err := env.s.ListCalendars(ctx, db.CalendarFilter{AssociationID: env.assocs[assoc].ID})
	if err != nil || len(cals) == 0 {
		env.t.Fatal("no calendar", err)
	}
	obj, err := ical.ParseObject(data, ical.DefaultLimits())
	if err != nil {
		env.t.Fatal(err)
	}
	e, err := obj.Event(testNow, ical.DefaultLimits())
	if err != nil {
		env.t.Fatal(err)
	}
	e.CalendarID, e.Href, e.Origin = cals[0].ID, href, model.OriginLocal
	if _, err := env.s.PutEvent(ctx, db.Put{Event: e}); err != nil {
		env.t.Fatal(err)
	}
	return env.stored(e.UUID)
}

func (env *adminEnv) stored(uuid string) *model.Event {
	env.t.Helper()
	e, err := env.s.GetEventByUUID(context.Background(), uuid)
	if err != nil {
		env.t.Fatal(err)
	}
	return e
}

// eventRoute stores the sample in "amis" and targets it.
func eventRoute(verb string, form func(*model.Event) url.Values) func(*adminEnv, string) (string, url.Values) {
	return func(env *adminEnv, _ string) (string, url.Values) {
		e := env.putThunderbird("amis")
		p := "/admin/associations/amis/events/" + e.UUID
		if verb != "" {
			p += "/" + verb
		}
		if form == nil {
			return p, nil
		}
		return p, form(e)
	}
}

// savedUUID is the event a save redirected to.
func savedUUID(t *testing.T, r result) string {
	t.Helper()
	loc := r.Header().Get("Location")
	u, err := url.Parse(loc)
	if r.Code != http.StatusSeeOther || err != nil || u.Query().Get("saved") == "" {
		t.Fatalf("%s: %d %q, want a redirect to the saved event\n%s", r.what, r.Code, loc, cutBody(r.Body.String()))
	}
	return u.Query().Get("saved")
}

func TestEventCreateEveryField(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("eddy")
	// A category of the agenda, offered on the form.
	env.putData("autre", "fete.ics", []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//FR\r\nBEGIN:VEVENT\r\nUID:fete\r\n"+
		"DTSTAMP:20260101T000000Z\r\nDTSTART:20260601T180000Z\r\nSUMMARY:Fête\r\nCATEGORIES:Fête,Musique\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	// My space leads to the association's events.
	env.do("GET", "/admin/me", tok, nil).must(t, 200, `href="/admin/associations/amis/events"`)
	env.do("GET", "/admin/me", env.session("vera"), nil).lacks(t, `href="/admin/associations/amis/events"`)
	env.putThunderbird("amis")
	// The association's own place comes first, then those of its events.
	if err := env.s.CreateAssociationPlace(context.Background(), &model.Place{AssociationID: env.assocs["amis"].ID,
		Name: "Salle Jean Jaurès", Street: "2 rue de la Gare", CommuneINSEE: "47195"}); err != nil {
		t.Fatal(err)
	}
	env.do("GET", "/admin/associations/amis/events/new", tok, nil).must(t, 200, `name="title"`, `name="freq"`, `name="skip"`,
		`<datalist id="places"><option value="Salle Jean Jaurès, 2 rue de la Gare, Nérac"><option value="Médiathèque d&#39;Agen">`,
		`name="category" value="Musique"`)
	f := newEventForm()
	f["category"] = []string{"Fête", "Musique"}
	f.Set("freq", "WEEKLY")
	f.Set("interval", "2")
	f["day"] = []string{"TU", "SA"}
	f.Set("ends", "until")
	f.Set("until", "2026-09-30")
	f.Set("skip", "2026-08-15\n2026-08-25")
	uuid := savedUUID(t, env.do("POST", "/admin/associations/amis/events", tok, f))
	e := env.stored(uuid)
	data := e.Data
	for _, want := range []string{"SUMMARY:Bal du 14 juillet", "DTSTART;TZID=Europe/Paris:20260714T210000", "DTEND;TZID=Europe/Paris:20260714T233000",
		`LOCATION:Place de la mairie\, Nérac`, `DESCRIPTION:Orchestre et lampions.\nVenez nombreux.`, "X-BASTIDE-PRICE:5 €",
		"X-BASTIDE-ONLINE-URL;VALUE=URI:https://example.org/bal", "X-BASTIDE-ACCESSIBILITY:Accès en fauteuil", "X-BASTIDE-ACCESSIBILITY:Boucle magnétique",
		"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA;UNTIL=20260930T215959Z", "EXDATE;TZID=Europe/Paris:20260815T210000,20260825T210000",
		"BEGIN:VTIMEZONE", "TZID:Europe/Paris", "CATEGORIES:Fête,Musique"} {
		if !strings.Contains(data, want) {
			t.Errorf("stored object lacks %q:\n%s", want, data)
		}
	}
	if e.CommuneINSEE == "" {
		t.Errorf("the commune was not derived from the place")
	}
	// Read your writes: the list the save redirects to, the agenda and
	// the feed show it at once.
	env.do("GET", "/admin/associations/amis/events?saved="+uuid, tok, nil).must(t, 200, "Bal du 14 juillet", "répété")
	env.do("GET", "/", "", nil).must(t, 200, "Bal du 14 juillet")
	env.do("GET", "/feeds/agenda.ics", "", nil).must(t, 200, "SUMMARY:Bal du 14 juillet")
	// The list's search, accents folded.
	env.do("GET", "/admin/associations/amis/events?q=nerac+bal", tok, nil).must(t, 200, "Bal du 14 juillet")
	env.do("GET", "/admin/associations/amis/events?q=kermesse", tok, nil).must(t, 200, "Aucun événement").lacks(t, "Bal du 14 juillet")
	// The form of the stored event reads every field back.
	env.do("GET", "/admin/associations/amis/events/"+uuid+"/edit", tok, nil).must(t, 200,
		`id="location" name="location" value="Place de la mairie"`, `id="commune" name="commune" value="Nérac"`,
		`value="Bal du 14 juillet"`, `value="2026-07-14"`, `value="21:00"`, `value="23:30"`, `value="5 €"`,
		`value="https://example.org/bal"`, "Boucle magnétique", `value="WEEKLY" selected`, `value="2"`,
		`value="TU" checked`, `value="SA" checked`, `value="Musique" checked`, `value="until" checked`, `value="2026-09-30"`, "2026-08-15\n2026-08-25")
}

func TestEventRecurrenceMapping(t *testing.T) {
	for _, c := range []struct {
		name   string
		set    url.Values
		rrule  string
		allDay bool
	}{
		{"daily", url.Values{"freq": {"DAILY"}}, "FREQ=DAILY", false},
		{"every 3 days 5 times", url.Values{"freq": {"DAILY"}, "interval": {"3"}, "ends": {"count"}, "count": {"5"}}, "FREQ=DAILY;INTERVAL=3;COUNT=5", false},
		{"weekly", url.Values{"freq": {"WEEKLY"}, "day": {"MO", "FR"}}, "FREQ=WEEKLY;BYDAY=MO,FR", false},
		{"monthly date", url.Values{"freq": {"MONTHLY"}, "month_mode": {"date"}}, "FREQ=MONTHLY", false},
		// 2026-07-14 is the second Tuesday of July.
		{"monthly 2nd tuesday", url.Values{"freq": {"MONTHLY"}, "month_mode": {"weekday"}, "ends": {"until"}, "until": {"2027-06-30"}},
			"FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630T215959Z", false},
		{"yearly all day", url.Values{"freq": {"YEARLY"}, "all_day": {"1"}, "ends": {"until"}, "until": {"2030-07-14"}}, "FREQ=YEARLY;UNTIL=20300714", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newAdminEnv(t)
			tok := env.session("olga")
			f := newEventForm()
			for k, v := range c.set {
				f[k] = v
			}
			if c.allDay {
				f.Del("end_date")
			}
			uuid := savedUUID(t, env.do("POST", "/admin/associations/amis/events", tok, f))
			e := env.stored(uuid)
			if e.RRule != c.rrule {
				t.Fatalf("RRULE %q, want %q", e.RRule, c.rrule)
			}
			// And back: the edit form shows the rule in its fields, not as a
			// rule it cannot express.
			page := env.do("GET", "/admin/associations/amis/events/"+uuid+"/edit", tok, nil).must(t, 200)
			page.lacks(t, "ne sait pas modifier")
			// Saving the form unchanged keeps the rule.
			g := formOf(t, page.Body.String())
			savedUUID(t, env.do("POST", "/admin/associations/amis/events/"+uuid, tok, g))
			after := env.stored(uuid)
			if after.RRule != c.rrule {
				t.Fatalf("after a save: RRULE %q, want %q", after.RRule, c.rrule)
			}
			// Every line but the version stamps is as it was.
			if a, b := unstamped(e.Data), unstamped(after.Data); a != b {
				t.Fatalf("an unchanged form rewrote the object:\n%s\n---\n%s", a, b)
			}
		})
	}
}

// formOf reads back the values of the event form on a page, as a browser
// would send them.
func formOf(t *testing.T, page string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range inputRe.FindAllStringSubmatch(page, -1) {
		tag := m[0]
		name := attr(tag, "name")
		typ := attr(tag, "type")
		if name == "" || typ == "submit" {
			continue
		}
		if (typ == "checkbox" || typ == "radio") && !strings.Contains(tag, " checked") {
			continue
		}
		v.Add(name, htmlUnescape(attr(tag, "value")))
	}
	for _, m := range textareaRe.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range selectRe.FindAllStringSubmatch(page, -1) {
		if o := selectedRe.FindStringSubmatch(m[2]); o != nil {
			v.Set(m[1], o[1])
		} else {
			v.Set(m[1], "")
		}
	}
	return v
}

func TestEventEditKeepsThunderbirdLines(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("eddy")
	e := env.putThunderbird("amis")
	// The series starts on a Monday that is not the last of its month, so
	// the form cannot express its rule: it says it in words and keeps it.
	page := env.do("GET", "/admin/associations/amis/events/"+e.UUID+"/edit", tok, nil).must(t, 200,
		"ne sait pas modifier", "dernier lundi")
	f := formOf(t, page.Body.String())
	f.Set("title", "Atelier tablettes")
	savedUUID(t, env.do("POST", "/admin/associations/amis/events/"+e.UUID, tok, f))
	got := env.stored(e.UUID).Data
	// Only the title and the version stamps changed: every other line is
	// byte for byte the one Thunderbird wrote.
	for _, keep := range []string{"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;VALUE=DURATION:-PT15M\r\nDESCRIPTION:Default Mozilla Description\r\nEND:VALARM\r\n",
		"X-MOZ-SNOOZE-TIME-1773237600000000:20260311T130000Z\r\n", "X-MOZ-GENERATION:3\r\n",
		"ATTENDEE;CN=Marie Dupont;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE:\r\n mailto:marie@example.org\r\n",
		"RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1;COUNT=6\r\n", "EXDATE;TZID=Europe/Paris:20260427T140000\r\n",
		"CATEGORIES:Formation\r\nCATEGORIES:Numérique,Seniors\r\n", "DTSTART;TZID=Europe/Paris:20260302T140000\r\n",
		"X-TZINFO:Europe/Paris[2024a]\r\n", "SUMMARY:Atelier informatique (salle 2)\r\n", "RECURRENCE-ID;TZID=Europe/Paris:20260330T140000\r\n",
		"SUMMARY:Atelier tablettes\r\n"} {
		if !strings.Contains(got, keep) {
			t.Errorf("after the form's save the object lacks %q:\n%s", keep, got)
		}
	}
	if strings.Contains(got, "Lightning") {
		t.Errorf("the old title is still there")
	}
}

func TestEventCustomRuleKeptAndShownInWords(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("eddy")
	data, _ := os.ReadFile("testdata/thunderbird_edit.ics")
	data = []byte(strings.Replace(string(data), "RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1;COUNT=6", "RRULE:FREQ=DAILY;COUNT=14;BYDAY=MO,WE,FR", 1))
	e := env.putData("amis", "custom.ics", data)
	page := env.do("GET", "/admin/associations/amis/events/"+e.UUID+"/edit", tok, nil).must(t, 200,
		"ne sait pas modifier", "lundis", `<fieldset class="field repeat" disabled`)
	f := formOf(t, page.Body.String())
	f.Set("title", "Autre titre")
	// A request that sends recurrence fields anyway does not change the rule.
	f.Set("freq", "YEARLY")
	savedUUID(t, env.do("POST", "/admin/associations/amis/events/"+e.UUID, tok, f))
	got := env.stored(e.UUID)
	if !strings.Contains(got.Data, "RRULE:FREQ=DAILY;COUNT=14;BYDAY=MO,WE,FR\r\n") || got.Summary != "Autre titre" {
		t.Fatalf("rule not kept verbatim:\n%s", got.Data)
	}
}

func TestEventStaleETagRefused(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("eddy")
	e := env.putThunderbird("amis")
	page := env.do("GET", "/admin/associations/amis/events/"+e.UUID+"/edit", tok, nil).must(t, 200)
	f := formOf(t, page.Body.String())
	// Meanwhile a calendar app saves a newer version.
	newer := strings.Replace(e.Data, "SUMMARY:Atelier informatique (Lightning)", "SUMMARY:Version du téléphone", 1)
	env.putData("amis", "tb.ics", []byte(newer))
	f.Set("title", "Version du formulaire")
	env.do("POST", "/admin/associations/amis/events/"+e.UUID, tok, f).must(t, http.StatusConflict,
		"modifié entre-temps", "rien n&#39;a été enregistré", `value="Version du formulaire"`)
	if got := env.stored(e.UUID); got.Summary != "Version du téléphone" {
		t.Fatalf("the newer version was overwritten: %q", got.Summary)
	}
	// Cancel and delete with the old ETag are refused too.
	for _, verb := range []string{"cancel", "delete"} {
		env.do("POST", "/admin/associations/amis/events/"+e.UUID+"/"+verb, tok, url.Values{"etag": {e.ETag}, "confirm": {"1"}}).must(t, http.StatusConflict)
	}
	if got := env.stored(e.UUID); got.Status == "CANCELLED" {
		t.Fatal("a stale cancel went through")
	}
}

func TestEventCancelDuplicateDelete(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("olga")
	e := env.putThunderbird("amis")
	savedUUID(t, env.do("POST", "/admin/associations/amis/events/"+e.UUID+"/cancel", tok, url.Values{"etag": {e.ETag}}))
	c := env.stored(e.UUID)
	if c.Status != "CANCELLED" || !strings.Contains(c.Data, "BEGIN:VALARM") {
		t.Fatalf("not cancelled, or lost its alarm: %q\n%s", c.Status, c.Data)
	}
	env.do("GET", "/admin/associations/amis/events", tok, nil).must(t, 200, "annulé")
	// Duplicate: the form of a new event with the same fields.
	page := env.do("GET", "/admin/associations/amis/events/"+e.UUID+"/duplicate", tok, nil).must(t, 200,
		`action="/admin/associations/amis/events"`, `value="Atelier informatique (Lightning)"`)
	f := formOf(t, page.Body.String())
	if f.Get("etag") != "" {
		t.Fatal("the copy carries the original's ETag")
	}
	dup := savedUUID(t, env.do("POST", "/admin/associations/amis/events", tok, f))
	if dup == e.UUID || env.stored(dup).Summary != "Atelier informatique (Lightning)" {
		t.Fatal("duplicate did not make a new event with the same title")
	}
	// Delete.
	env.do("POST", "/admin/associations/amis/events/"+e.UUID+"/delete", tok, url.Values{"etag": {c.ETag}}).must(t, http.StatusBadRequest, "Cochez la case")
	if _, err := env.s.GetEventByUUID(context.Background(), e.UUID); err != nil {
		t.Fatal("deleted without the confirmation")
	}
	env.do("POST", "/admin/associations/amis/events/"+e.UUID+"/delete", tok, url.Values{"etag": {c.ETag}, "confirm": {"1"}}).redirects(t, "/admin/associations/amis/events")
	if _, err := env.s.GetEventByUUID(context.Background(), e.UUID); err == nil {
		t.Fatal("still stored after delete")
	}
}

func TestEventOccurrenceOverride(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("eddy")
	e := env.putThunderbird("amis")
	// 2026-05-25 is the last Monday of May, an occurrence of the series.
	savedUUID(t, env.do("POST", "/admin/associations/amis/events/"+e.UUID+"/occurrences", tok,
		url.Values{"etag": {e.ETag}, "date": {"2026-05-25"}, "op": {"cancel"}}))
	got := env.stored(e.UUID)
	obj, err := ical.ParseObject([]byte(got.Data), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range obj.Overrides {
		if p := o.Props.Get("RECURRENCE-ID"); p != nil && p.Value == "20260525T140000" {
			found = o.Props.Get("STATUS").Value == "CANCELLED"
		}
	}
	if !found {
		t.Fatalf("no cancelled override for 25 May:\n%s", got.Data)
	}
	// Move another one; a day without occurrence is refused.
	savedUUID(t, env.do("POST", "/admin/associations/amis/events/"+e.UUID+"/occurrences", tok,
		url.Values{"etag": {got.ETag}, "date": {"2026-06-29"}, "op": {"move"}, "start_time": {"18:00"}, "end_time": {"20:00"}}))
	moved := env.stored(e.UUID)
	if !strings.Contains(moved.Data, "RECURRENCE-ID;TZID=Europe/Paris:20260629T140000\r\n") || !strings.Contains(moved.Data, "DTSTART;TZID=Europe/Paris:20260629T180000\r\n") {
		t.Fatalf("occurrence not moved:\n%s", moved.Data)
	}
	env.do("POST", "/admin/associations/amis/events/"+e.UUID+"/occurrences", tok,
		url.Values{"etag": {moved.ETag}, "date": {"2026-06-30"}, "op": {"cancel"}}).must(t, http.StatusBadRequest, "pas de date ce jour-là")
	if env.stored(e.UUID).ETag != moved.ETag {
		t.Fatal("a refused override changed the event")
	}
}

func TestEventCheckTheDay(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("eddy")
	// Another association's event the same day in Nérac, one in Agen (far
	// more than 15 km away) and one in Nérac another day.
	other := func(href, summary, when, loc string) {
		obj := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//FR\r\nBEGIN:VEVENT\r\nUID:" + href + "\r\nDTSTAMP:20260101T000000Z\r\n" +
			"DTSTART:" + when + "\r\nDTEND:" + when[:9] + "235900Z\r\nSUMMARY:" + summary + "\r\nLOCATION:" + loc + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		env.putData("autre", href+".ics", []byte(obj))
	}
	other("a", "Concert au château", "20260714T180000Z", "Château, Nérac")
	other("b", "Feu d'artifice d'Agen", "20260714T200000Z", "Gravier, Agen")
	other("c", "Marché de Nérac", "20260715T060000Z", "Halle, Nérac")
	f := newEventForm()
	f.Set("check", "1")
	before := env.snapshot()
	r := env.do("POST", "/admin/associations/amis/events", tok, f).must(t, 200, "Le même jour", "Concert au château", `value="Bal du 14 juillet"`)
	r.lacks(t, "Feu d&#39;artifice", "Marché de Nérac")
	if env.snapshot() != before {
		t.Fatal("checking the day saved something")
	}
}

func TestEventHostileInput(t *testing.T) {
	env := newAdminEnv(t)
	tok := env.session("eddy")
	e := env.stored(savedUUID(t, env.do("POST", "/admin/associations/amis/events", tok, newEventForm())))
	many := make([]string, 1000)
	for i := range many {
		many[i] = "c" + itoa(i)
	}
	for _, c := range []struct {
		name string
		set  url.Values
		code int
		msg  string
	}{
		{"huge description", url.Values{"description": {strings.Repeat("é", 9000)}}, 422, "au plus 8000"},
		{"too many categories", url.Values{"category": many}, 422, "au plus 10 catégories"},
		{"unknown category", url.Values{"category": {"Inventée"}}, 422, "dans la liste"},
		{"bad date", url.Values{"start_date": {"2026-02-30"}}, 422, "date valide"},
		{"bad time", url.Values{"start_time": {"25:00"}}, 422, "heure valide"},
		{"end before start", url.Values{"end_time": {"20:00"}}, 422, "après le début"},
		{"rrule through interval", url.Values{"freq": {"DAILY"}, "interval": {"1;BYSECOND=1,2,3"}}, 422, "nombre entier"},
		{"rrule through freq", url.Values{"freq": {"SECONDLY"}}, 422, "répétition de la liste"},
		{"rrule through day", url.Values{"freq": {"WEEKLY"}, "day": {"MO;BYHOUR=1"}}, 422, "jours dans la liste"},
		{"rrule through count", url.Values{"freq": {"DAILY"}, "ends": {"count"}, "count": {"100000"}}, 422, "de 1 à 500"},
		{"crlf in title", url.Values{"title": {"Bal\r\nRRULE:FREQ=SECONDLY"}}, 422, "Une seule ligne"},
		{"not a link", url.Values{"online": {"javascript:alert(1)"}}, 422, "https://"},
		{"bad skip date", url.Values{"freq": {"DAILY"}, "skip": {"demain"}}, 422, "n&#39;est pas une date"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := env.snapshot()
			f := newEventForm()
			for k, v := range c.set {
				f[k] = v
			}
			env.do("POST", "/admin/associations/amis/events", tok, f).must(t, c.code, c.msg)
			f.Set("etag", e.ETag)
			env.do("POST", "/admin/associations/amis/events/"+e.UUID, tok, f).must(t, c.code, c.msg)
			if env.snapshot() != before {
				t.Fatal("a refused form changed the store")
			}
		})
	}
	// A body over the form bound is refused whole.
	huge := newEventForm()
	huge["category"] = make([]string, 10000)
	env.do("POST", "/admin/associations/amis/events", tok, huge).must(t, http.StatusRequestEntityTooLarge)
	// A description with line breaks and markup is stored as escaped text.
	f := newEventForm()
	f.Set("description", "<script>alert(1)</script>\nEND:VEVENT")
	uuid := savedUUID(t, env.do("POST", "/admin/associations/amis/events", tok, f))
	if got := env.stored(uuid); got.Description != "<script>alert(1)</script>\nEND:VEVENT" || strings.Contains(got.Data, "\r\nEND:VEVENT\r\nEND:VEVENT") {
		t.Fatalf("description not kept as text: %q", got.Description)
	}
	env.do("GET", "/admin/associations/amis/events/"+uuid+"/edit", tok, nil).must(t, 200, "&lt;script&gt;").lacks(t, "<script>alert")
}

func TestEventOtherAssociationCannot(t *testing.T) {
	env := newAdminEnv(t)
	e := env.putThunderbird("amis")
	// The owner of "autre" asking for an event of "amis" through its own
	// association's path: not found, and nothing changes.
	tok, vera := env.session("otto"), env.session("vera")
	before := env.snapshot()
	env.do("GET", "/admin/associations/autre/events/"+e.UUID+"/edit", tok, nil).must(t, http.StatusNotFound)
	env.do("POST", "/admin/associations/autre/events/"+e.UUID+"/delete", tok, url.Values{"etag": {e.ETag}, "confirm": {"1"}}).must(t, http.StatusNotFound)
	env.do("POST", "/admin/associations/amis/events/"+e.UUID+"/delete", vera, url.Values{"etag": {e.ETag}, "confirm": {"1"}}).must(t, http.StatusForbidden)
	if env.snapshot() != before {
		t.Fatal("a refused request changed the store")
	}
}

var (
	inputRe    = regexp.MustCompile(`<input [^>]*>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
	selectRe   = regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	selectedRe = regexp.MustCompile(`<option value="([^"]*)" selected>`)
)

func attr(tag, name string) string {
	m := regexp.MustCompile(` ` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return m[1]
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }

// unstamped is an object's text without its version stamps.
func unstamped(data string) string {
	var keep []string
	for _, l := range strings.Split(data, "\r\n") {
		if !strings.HasPrefix(l, "DTSTAMP:") && !strings.HasPrefix(l, "LAST-MODIFIED:") && !strings.HasPrefix(l, "SEQUENCE:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\r\n")
}
