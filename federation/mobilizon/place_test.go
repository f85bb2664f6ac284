package mobilizon

import (
	"testing"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// TestPlaceGolden: what Mobilizon needs to show an event where and when
// it is. An event without a place gets a Place (else Mobilizon drops its
// timezone and shows UTC times); a LOCATION text is split into name,
// street, postcode and locality, with the commune's centre as position
// when there is no GEO.
func TestPlaceGolden(t *testing.T) {
	created := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for name, ev := range map[string]*model.Event{
		"noplace": {
			UUID: "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d", Summary: "Permanence téléphonique",
			Start: paris(2026, 4, 2, 14, 0), End: paris(2026, 4, 2, 17, 0), TZID: "Europe/Paris", Created: created,
		},
		"street": {
			UUID: "6e2d3c4b-5f6a-4b7c-9d8e-0f1a2b3c4d5e", Summary: "Bourse aux livres",
			Location: "Salle des fêtes, 12 rue Pasteur, 47301 Villeneuve-sur-Lot",
			Start:    paris(2026, 10, 3, 9, 0), End: paris(2026, 10, 3, 18, 0), TZID: "Europe/Paris", Created: created,
		},
	} {
		t.Run(name, func(t *testing.T) {
			obj := EventObject(ev, assoc, nil, hub)
			if _, ok := obj["location"].(map[string]any); !ok {
				t.Fatal("no location: Mobilizon would drop the timezone")
			}
			if probs := Validate(map[string]any{"type": "Create", "id": hub.EventID(ev.UUID) + "/activity", "actor": hub.RelayID(),
				"to": []any{Public}, "cc": []any{}, "object": obj}); len(probs) > 0 {
				t.Fatalf("Mobilizon would refuse it: %v", probs)
			}
			golden(t, "event-"+name+".json", obj)
		})
	}
}

func TestSplitLocation(t *testing.T) {
	vsl, _ := model.CommuneByName("Villeneuve-sur-Lot")
	for _, c := range []struct{ in, name, street string }{
		{"Salle des fêtes, 12 rue Pasteur, 47300 Villeneuve-sur-Lot", "Salle des fêtes", "12 rue Pasteur"},
		{"Salle des fêtes, Villeneuve-sur-Lot", "Salle des fêtes", ""},
		{"Place Lafayette, 47300 Villeneuve-sur-Lot", "Place Lafayette", "Place Lafayette"},
		{"Halle, avenue d'Agen, Villeneuve-sur-Lot, 47300", "Halle", "avenue d'Agen"},
		{"Chez Paul, Café du Lot, 3 bis allée des Tilleuls, Villeneuve sur Lot", "Chez Paul, Café du Lot", "3 bis allée des Tilleuls"},
		{"12 rue Pasteur 47300 Villeneuve-sur-Lot", "12 rue Pasteur", "12 rue Pasteur"},
		{"Salle des fêtes de Villeneuve-sur-Lot", "Salle des fêtes de Villeneuve-sur-Lot", ""},
	} {
		name, street := splitLocation(c.in, vsl)
		if name != c.name || street != c.street {
			t.Errorf("splitLocation(%q) = %q, %q; want %q, %q", c.in, name, street, c.name, c.street)
		}
	}
}

// TestOnlinePlaceReadBack: the Place an online event carries for
// Mobilizon's sake does not replace its online address when another
// Bastide reads the event.
func TestOnlinePlaceReadBack(t *testing.T) {
	ev := sampleEvents()["online"].ev
	obj := EventObject(ev, assoc, nil, hub)
	r, err := ParseEvent(obj)
	if err != nil {
		t.Fatal(err)
	}
	if r.Event.Location != ev.Location || r.Place != nil {
		t.Errorf("read back with location %q and place %+v, want %q and none", r.Event.Location, r.Place, ev.Location)
	}
}

// TestPlaceLocalityGivesPosition: a place record naming its commune only
// by locality, without GEO, is positioned at the commune's centre.
func TestPlaceLocalityGivesPosition(t *testing.T) {
	ev := &model.Event{UUID: "7f3e4d5c-6b7a-4c8d-9e0f-1a2b3c4d5e6f", Summary: "Loto", Start: paris(2026, 11, 7, 20, 0), TZID: "Europe/Paris"}
	obj := EventObject(ev, assoc, &model.Place{Name: "Salle Béquin", Locality: "Nérac"}, hub)
	loc := obj["location"].(map[string]any)
	nerac, _ := model.CommuneByName("Nérac")
	if loc["latitude"] == nil || float64(loc["latitude"].(Float)) != nerac.Lat || float64(loc["longitude"].(Float)) != nerac.Lon {
		t.Errorf("position %v, %v; want Nérac's centre %v, %v", loc["latitude"], loc["longitude"], nerac.Lat, nerac.Lon)
	}
	if pc := loc["address"].(map[string]any)["postalCode"]; pc != "47600" {
		t.Errorf("postal code %v, want 47600", pc)
	}
}
