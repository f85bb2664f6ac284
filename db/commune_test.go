package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// TestPutDerivesCommune checks the store road: an event written without a
// commune gets the one its LOCATION or GEO names, an edit that keeps the
// LOCATION keeps the place and commune the first write attached (an
// import or the demo), and an override held elsewhere has its own commune
// in the town filter.
func TestPutDerivesCommune(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "pruneau")
	base := time.Date(2027, 4, 3, 9, 0, 0, 0, time.UTC)
	get := func(uid string) *model.Event {
		t.Helper()
		e, err := s.GetEventByUID(ctx, cal.ID, uid)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	byText := dbtest.Event(cal.ID, "text", base, "Marché")
	byText.Location = "Place Lafayette, 47300 Villeneuve-sur-Lot"
	byGeo := dbtest.Event(cal.ID, "geo", base, "Balade")
	byGeo.Lat, byGeo.Lon, byGeo.HasGeo = 44.5060, 0.1700, true // Marmande
	abroad := dbtest.Event(cal.ID, "abroad", base, "Concert")
	abroad.Location = "Zénith de Toulouse"
	abroad.Lat, abroad.Lon, abroad.HasGeo = 43.5800, 1.4100, true
	for _, e := range []*model.Event{byText, byGeo, abroad} {
		if _, err := s.PutEvent(ctx, db.Put{Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	for uid, want := range map[string]string{"text": "47323", "geo": "47157", "abroad": ""} {
		if got := get(uid).CommuneINSEE; got != want {
			t.Errorf("%s: commune %q, want %q", uid, got, want)
		}
	}

	// An event placed by an import or the demo (a place of the registry,
	// whose name the LOCATION text does not spell as a commune).
	p := &model.Place{Name: "Salle Jasmin", Locality: "Le Passage", CommuneINSEE: "47201"}
	if err := s.EnsurePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	placed := dbtest.Event(cal.ID, "placed", base, "Loto")
	placed.Location, placed.PlaceID = "Salle Jasmin", p.ID
	if _, err := s.PutEvent(ctx, db.Put{Event: placed}); err != nil {
		t.Fatal(err)
	}
	if got := get("placed"); got.CommuneINSEE != "47201" {
		t.Fatalf("placed event: commune %q, want its place's 47201", got.CommuneINSEE)
	}
	// A calendar app sends it back with a new title and the same LOCATION,
	// knowing nothing of the place or the commune.
	edit := dbtest.Event(cal.ID, "placed", base, "Grand loto")
	edit.Location = "Salle Jasmin"
	if _, err := s.PutEvent(ctx, db.Put{Event: edit}); err != nil {
		t.Fatal(err)
	}
	if got := get("placed"); got.CommuneINSEE != "47201" || got.PlaceID != p.ID || got.Summary != "Grand loto" {
		t.Fatalf("after an edit that keeps the place: commune %q place %d summary %q", got.CommuneINSEE, got.PlaceID, got.Summary)
	}
	// Moving it elsewhere drops the old place.
	moved := dbtest.Event(cal.ID, "placed", base, "Grand loto à Nérac")
	moved.Location = "Salle des fêtes, Nérac"
	if _, err := s.PutEvent(ctx, db.Put{Event: moved}); err != nil {
		t.Fatal(err)
	}
	if got := get("placed"); got.CommuneINSEE != "47195" || got.PlaceID != 0 {
		t.Fatalf("after a move: commune %q place %d, want 47195 and no place", got.CommuneINSEE, got.PlaceID)
	}

	// A series in Villeneuve whose second date moved to Tonneins.
	series := dbtest.Event(cal.ID, "series", base, "Atelier")
	series.Location = "Villeneuve-sur-Lot"
	series.Recurring = true
	week := 7 * 24 * time.Hour
	series.Instances = []model.Instance{
		{Start: base, End: base.Add(time.Hour), RecurrenceID: base},
		{Start: base.Add(week), End: base.Add(week + time.Hour), RecurrenceID: base.Add(week), Override: true,
			Summary: "Atelier hors les murs", Location: "Médiathèque, Tonneins"},
	}
	if _, err := s.PutEvent(ctx, db.Put{Event: series}); err != nil {
		t.Fatal(err)
	}
	q := db.InstanceQuery{From: base.Add(-time.Hour), To: base.Add(30 * 24 * time.Hour), Public: true, Communes: []string{"47310"}}
	rows, err := s.ListInstances(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Event.UID != "series" || rows[0].Event.Summary != "Atelier hors les murs" ||
		rows[0].Event.Location != "Médiathèque, Tonneins" || rows[0].Event.CommuneINSEE != "47310" {
		t.Fatalf("town filter Tonneins: %d rows %+v", len(rows), rows)
	}
	q.Communes = []string{"47323"}
	rows, err = s.ListInstances(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Event.UID == "series" {
			n++
			if r.Event.Summary != "Atelier" || !r.Instance.Start.Equal(base) {
				t.Fatalf("town filter Villeneuve: %+v", r)
			}
		}
	}
	if n != 1 {
		t.Fatalf("town filter Villeneuve: %d occurrences of the series, want 1", n)
	}
}
