package mobilizon

import (
	"strings"
	"testing"
)

// Bastide's own Mobilizon 5 samples (testdata/mobilizon5-*.json), written
// from the reference, cover what the shared fixtures do not.
func TestOwnMobilizon5Samples(t *testing.T) {
	const H = "https://mobilizon.example"
	// Create signed by the organiser Person, attributedTo the Group.
	doc := own(t, "mobilizon5-create-group-event.json")
	if p := Validate(doc); len(p) != 0 {
		t.Errorf("group event: %q", p)
	}
	if Classify(doc) != KindCreateEvent {
		t.Errorf("group event: %s", Classify(doc))
	}
	r, err := ParseEvent(doc)
	if err != nil {
		t.Fatal(err)
	}
	if r.Actor != H+"/@jeanne" || r.AttributedTo != H+"/@amis_du_marche" || r.RemoteUUID != "5d0e3a43-1c2b-4b8e-9a56-6f1f0c8e2b11" {
		t.Errorf("organiser %q group %q uuid %q", r.Actor, r.AttributedTo, r.RemoteUUID)
	}
	ev := r.Event
	if !ev.Start.Equal(ts("2026-06-13T06:00:00Z")) || !ev.End.Equal(ts("2026-06-13T11:00:00Z")) || ev.TZID != "Europe/Paris" {
		t.Errorf("times %v %v %q", ev.Start, ev.End, ev.TZID)
	}
	p := r.Place
	if p == nil || p.Name != "Place du Général Leclerc" || p.PostalCode != "47600" || p.Locality != "Nérac" ||
		p.CommuneINSEE != "47195" || !p.HasGeo || p.Lat != 44.1361 || p.Lon != 0.3394 {
		t.Errorf("place %+v", p)
	}
	if ev.CommuneINSEE != "47195" || !ev.HasGeo || ev.Location != "Place du Général Leclerc, 47600 Nérac" {
		t.Errorf("event place fields: %q %v %q", ev.CommuneINSEE, ev.HasGeo, ev.Location)
	}
	if r.Category != "FOOD_DRINK" || strings.Join(ev.Categories, "|") != "Gastronomie|Pruneau" {
		t.Errorf("category %q categories %q", r.Category, ev.Categories)
	}
	if r.PictureURL != H+"/media/0a1b2c3d.jpg" || r.JoinMode != "free" || r.Online {
		t.Errorf("picture %q join %q online %v", r.PictureURL, r.JoinMode, r.Online)
	}
	if strings.Contains(r.ContentHTML, "script") || strings.Contains(r.ContentHTML, "onclick") ||
		!strings.Contains(r.ContentHTML, `<a href="https://asso.example/marche" rel="nofollow noopener" target="_blank">plus d&#39;infos</a>`) {
		t.Errorf("content %q", r.ContentHTML)
	}
	if ev.Description != "Producteurs locaux, pruneaux et plus d'infos (https://asso.example/marche).\n\nVenez nombreux !" {
		t.Errorf("description %q", ev.Description)
	}
	if !r.Updated.Equal(ts("2026-05-02T09:30:00Z")) || !ev.Updated.Equal(r.Updated) || !ev.Created.Equal(ts("2026-05-01T10:00:00Z")) {
		t.Errorf("published %v updated %v", ev.Created, ev.Updated)
	}

	// Update carrying a cancellation.
	doc = own(t, "mobilizon5-update-cancelled.json")
	if p := Validate(doc); len(p) != 0 {
		t.Errorf("cancelled: %q", p)
	}
	if Classify(doc) != KindUpdateEvent {
		t.Errorf("cancelled: %s", Classify(doc))
	}
	r, err = ParseEvent(doc)
	if err != nil {
		t.Fatal(err)
	}
	if r.Event.Status != "CANCELLED" || r.Event.Summary != "Concert annulé à Agen" || r.Place.CommuneINSEE != "47001" ||
		!r.Event.Start.Equal(ts("2026-12-05T19:30:00Z")) || strings.Join(r.Event.Categories, "|") != "Musique" {
		t.Errorf("cancelled: %q %q %q %v %q", r.Event.Status, r.Event.Summary, r.Place.CommuneINSEE, r.Event.Start, r.Event.Categories)
	}

	// Online event, no location, external registration.
	doc = own(t, "mobilizon5-event-online.json")
	if p := Validate(doc); len(p) != 0 {
		t.Errorf("online: %q", p)
	}
	r, err = ParseEvent(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Online || r.OnlineURL != "https://visio.example/atelier" || r.Place != nil || r.Event.Location != "https://visio.example/atelier" ||
		r.JoinMode != "external" || r.ExternalParticipationURL != "https://asso.example/inscription" || r.Event.TZID != "" {
		t.Errorf("online: %+v", r)
	}

	// Group actor.
	doc = own(t, "mobilizon5-group-actor.json")
	if p := Validate(doc); len(p) != 0 {
		t.Errorf("group actor: %q", p)
	}
	a, err := ParseActor(doc)
	if err != nil {
		t.Fatal(err)
	}
	if a.Type != "Group" || a.Events != H+"/@amis_du_marche/events" || a.DeliveryInbox() != H+"/inbox" || a.Openness != "moderated" ||
		a.PublicKeyID != H+"/@amis_du_marche#main-key" || a.IconURL != H+"/media/avatar.png" || !a.Discoverable {
		t.Errorf("group actor %+v", a)
	}

	// Outbox pages.
	out, err := ParseCollection(own(t, "mobilizon5-outbox.json"))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := ParseCollection(out.FirstPage)
	if out.TotalItems != 3 || !IsPageOne(out.First) || first == nil || len(first.Items) != 2 || first.Next != H+"/@amis_du_marche/outbox?page=2" {
		t.Errorf("outbox %+v first %+v", out, first)
	}
	for _, it := range first.Items {
		if Classify(it.(map[string]any)) != KindCreateEvent || EventOf(it.(map[string]any)) == nil {
			t.Errorf("outbox item %v", Classify(it.(map[string]any)))
		}
	}
	last, _ := ParseCollection(own(t, "mobilizon5-outbox-page-3.json"))
	if last == nil || len(last.Items) != 0 || last.Next != "" {
		t.Errorf("last page %+v", last)
	}

	// A relay outbox item: Announce{Create{Event}}.
	ann := own(t, "mobilizon5-relay-announce-create.json")
	if Classify(ann) != KindAnnounceEvent || IDOf(EventOf(ann)) != H+"/events/5d0e3a43-1c2b-4b8e-9a56-6f1f0c8e2b11" {
		t.Errorf("relay announce: %s %q", Classify(ann), IDOf(EventOf(ann)))
	}
	if p := Validate(ann); len(p) != 1 || !strings.Contains(p[0], "is a Create") {
		t.Errorf("relay announce: Validate = %q (Mobilizon wants the Event itself)", p)
	}
	if r, err := ParseEvent(ann); err != nil || r.Actor != H+"/@jeanne" {
		t.Errorf("relay announce: %v %+v", err, r)
	}
}

func TestParseEventErrors(t *testing.T) {
	ok := func() map[string]any {
		return map[string]any{"type": "Event", "id": "https://m.example/events/1", "name": "Fête", "startTime": "2026-06-21T18:00:00+02:00"}
	}
	cases := []struct {
		mutate func(m map[string]any)
		want   string
	}{
		{func(m map[string]any) { delete(m, "id") }, "id: is required"},
		{func(m map[string]any) { m["id"] = "urn:uuid:1" }, "id: must be an absolute http or https URL"},
		{func(m map[string]any) { m["id"] = "https://m.example/" + strings.Repeat("a", 3000) }, "id: must be an absolute"},
		{func(m map[string]any) { delete(m, "name") }, "name: is required"},
		{func(m map[string]any) { m["name"] = " <b></b> " }, "name: is required"},
		{func(m map[string]any) { delete(m, "startTime") }, "startTime: is required"},
		{func(m map[string]any) { m["startTime"] = "demain" }, `startTime: "demain" is not an ISO 8601 date-time`},
		{func(m map[string]any) { m["endTime"] = "2026-06-21T17:00:00+02:00" }, "endTime: is before startTime"},
		{func(m map[string]any) { m["type"] = "Note" }, `type: "Note" is not an Event`},
		{func(m map[string]any) { delete(m, "type") }, "type: is missing"},
	}
	for _, c := range cases {
		m := ok()
		c.mutate(m)
		_, err := ParseEvent(m)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	if _, err := ParseEvent(ok()); err != nil {
		t.Fatal(err)
	}
	// Times: zones, no offset, dates.
	m := ok()
	m["startTime"], m["endTime"], m["timezone"] = "2026-06-21T18:00:00", "2026-06-21T20:00", "Europe/Paris"
	r, err := ParseEvent(m)
	if err != nil || !r.Event.Start.Equal(ts("2026-06-21T16:00:00Z")) || !r.Event.End.Equal(ts("2026-06-21T18:00:00Z")) || r.Event.TZID != "Europe/Paris" {
		t.Errorf("local times in timezone: %v %v %v", err, r.Event.Start, r.Event.End)
	}
	m = ok()
	m["startTime"], m["endTime"] = "2026-06-21", "2026-06-22"
	r, err = ParseEvent(m)
	if err != nil || !r.Event.AllDay || !r.Event.Start.Equal(ts("2026-06-21T00:00:00Z")) || !r.Event.End.Equal(ts("2026-06-23T00:00:00Z")) {
		t.Errorf("dates: %v %+v", err, r.Event)
	}
	m = ok()
	m["startTime"] = "2026-06-21T18:00:00.123456Z"
	m["status"] = "tentative"
	m["location"] = map[string]any{"type": "Place", "name": "Halle", "latitude": "44.2", "longitude": 0.6, "address": map[string]any{"addressLocality": "Agen"}}
	r, err = ParseEvent(m)
	if err != nil || r.Event.Status != "TENTATIVE" || r.Place.Lat != 44.2 || r.Place.CommuneINSEE != "47001" || r.Place.Locality != "Agen" {
		t.Errorf("micro, status, place: %v %+v %+v", err, r.Event, r.Place)
	}
	// Bounded texts.
	m = ok()
	m["name"] = strings.Repeat("Fête ", 100)
	m["content"] = strings.Repeat("<p>bla</p>", 100000)
	m["tag"] = []any{strings.Repeat("x", 200), "#ok", map[string]any{"type": "Mention", "name": "@a@b"}}
	r, err = ParseEvent(m)
	if err != nil || len([]rune(r.Event.Summary)) != MaxNameRunes || len(r.ContentHTML) > MaxContentBytes || strings.Join(r.Tags, ",") != "ok" {
		t.Errorf("bounds: %v name %d content %d tags %q", err, len([]rune(r.Event.Summary)), len(r.ContentHTML), r.Tags)
	}
}

func TestCategoryFor(t *testing.T) {
	cases := map[string][]string{
		"MUSIC":                  {"Concert"},
		"FOOD_DRINK":             {"Marché de producteurs"},
		"OUTDOORS_ADVENTURE":     {"Marche nordique"},
		"SPORTS":                 {"sport"},
		"THEATRE":                {"Théâtre"},
		"ARTS":                   {"exposition"},
		"LEARNING":               {"Conférence"},
		"PARTY":                  {"Fête de la musique"},
		"MEETING":                {"Assemblée générale"},
		"FAMILY_EDUCATION":       {"Enfants"},
		"BOOK_CLUBS":             {"Club de lecture"},
		"PERFORMING_VISUAL_ARTS": {"spectacle"},
		"SCIENCE_TECH":           {"logiciel libre"},
		"LANGUAGE_CULTURE":       {"Journées du patrimoine"},
		"CAUSES":                 {"Solidarité"},
		"HEALTH":                 {"Don du sang"},
		"FILM_MEDIA":             {"Cinéma"},
		"COMMUNITY":              {"Vide-grenier"},
		"CRAFTS":                 {"Repair café"},
		"food_drink":             nil,
	}
	for want, cats := range cases {
		if cats == nil {
			continue
		}
		if got := CategoryFor(cats); got != want {
			t.Errorf("CategoryFor(%q) = %s, want %s", cats, got, want)
		}
	}
	if got := CategoryFor([]string{"truc", "Food & Drink"}); got != "FOOD_DRINK" {
		t.Errorf("an id anywhere wins: %s", got)
	}
	if got := CategoryFor([]string{"truc", "bidule"}); got != "MEETING" {
		t.Errorf("default: %s", got)
	}
	if got := CategoryFor(nil); got != "MEETING" {
		t.Errorf("none: %s", got)
	}
	for _, c := range Categories {
		if CategoryLabels[c] == "" {
			t.Errorf("no French label for %s", c)
		}
	}
	if len(Categories) != 30 {
		t.Errorf("%d categories, Mobilizon 5 has 30", len(Categories))
	}
}

func TestParseEventMetadata(t *testing.T) {
	m := map[string]any{"type": "Event", "id": "https://m.example/events/1", "name": "Visio", "startTime": "2026-06-21T18:00:00Z",
		"attachment": []any{
			map[string]any{"type": "PropertyValue", "propertyID": "mz:ticket:external_url", "value": "https://billets.example/1"},
			map[string]any{"type": "PropertyValue", "propertyID": "mz:visio:jitsi_meet", "value": "https://meet.jit.si/x"},
			map[string]any{"type": "PropertyValue", "propertyID": "mz:accessibility:wheelchairAccessible", "value": "fully"},
			map[string]any{"type": "PropertyValue", "propertyID": "mz:live:youtube:url", "value": "javascript:alert(1)"},
		}}
	r, err := ParseEvent(m)
	if err != nil {
		t.Fatal(err)
	}
	if r.ExternalParticipationURL != "https://billets.example/1" || r.OnlineURL != "https://meet.jit.si/x" || !r.Online || r.Event.Location != "https://meet.jit.si/x" {
		t.Errorf("metadata: %q %q %v %q", r.ExternalParticipationURL, r.OnlineURL, r.Online, r.Event.Location)
	}
}
