package model

import "testing"

func TestDeriveCommune(t *testing.T) {
	for _, c := range []struct {
		location string
		lat, lon float64
		geo      bool
		want     string
	}{
		{"Salle des fêtes, 47600 Nérac", 0, 0, false, "47195"},
		{"Place Lafayette, VILLENEUVE SUR LOT", 0, 0, false, "47323"},
		{"Parking du lac", 44.5040, 0.1690, true, "47157"},        // Marmande by GEO
		{"Le Passage, chez Agen", 0, 0, false, "47201"},           // the longest name wins
		{"Zénith de Toulouse", 43.58, 1.41, true, ""},             // outside the département
		{"Salle Brassens, 47200", 44.5040, 0.1690, true, "47157"}, // a postcode shared by several: GEO decides
		{"", 0, 0, false, ""},
	} {
		if got := DeriveCommune(c.location, c.lat, c.lon, c.geo); got != c.want {
			t.Errorf("DeriveCommune(%q, %v, %v, %v) = %q, want %q", c.location, c.lat, c.lon, c.geo, got, c.want)
		}
	}
}

func TestOccurrence(t *testing.T) {
	e := &Event{Summary: "Atelier", Description: "On répare.", Location: "Nérac", CommuneINSEE: "47195", PlaceID: 7,
		HasGeo: true, Lat: 44.1, Lon: 0.3, Status: StatusConfirmed, Class: "PUBLIC", Instances: []Instance{{}}}
	same := Occurrence(e, &Instance{Status: StatusConfirmed, CommuneINSEE: "47195"})
	if same.Summary != "Atelier" || same.PlaceID != 7 || same.CommuneINSEE != "47195" || same.Instances != nil {
		t.Errorf("a plain occurrence: %+v", same)
	}
	moved := Occurrence(e, &Instance{Override: true, Summary: "Atelier au marché", Location: "Halle, Tonneins",
		CommuneINSEE: "47310", Status: StatusCancelled, Class: ClassPrivate})
	if moved.Summary != "Atelier au marché" || moved.Description != "On répare." || moved.Location != "Halle, Tonneins" ||
		moved.CommuneINSEE != "47310" || moved.PlaceID != 0 || moved.HasGeo || moved.Status != StatusCancelled || moved.Class != ClassPrivate {
		t.Errorf("a moved occurrence: %+v", moved)
	}
	if e.Summary != "Atelier" || e.PlaceID != 7 || len(e.Instances) != 1 {
		t.Errorf("Occurrence changed the event: %+v", e)
	}
	if PublicOccurrence(&Calendar{Public: true}, &Event{Moderation: ModerationApproved}, &Instance{Class: ClassConfidential}) {
		t.Error("a confidential occurrence is public")
	}
}

func TestPaths(t *testing.T) {
	if EventPath("u") != "/events/u" || EventICSPath("u") != "/events/u.ics" || AssociationPath("club") != "/@club" {
		t.Errorf("paths: %s %s %s", EventPath("u"), EventICSPath("u"), AssociationPath("club"))
	}
}
