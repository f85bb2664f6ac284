package federation

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

// The admin's settings name the instance on the fediverse: the instance
// actor's name and summary, and NodeInfo's nodeName and nodeDescription.
func TestInstanceSettingsOnTheFediverse(t *testing.T) {
	f, s, _, _ := goldenFixture(t)
	st := &model.InstanceSettings{Name: "Agenda 47", Description: "Les associations de l'Agenais"}
	if err := s.PutInstanceSettings(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	var relay map[string]any
	rec := serve(f, "GET", "/relay", "application/activity+json")
	if err := json.Unmarshal(rec.Body.Bytes(), &relay); err != nil || rec.Code != 200 {
		t.Fatalf("relay: %d %v", rec.Code, err)
	}
	if relay["name"] != "Agenda 47" || relay["summary"] != "Les associations de l'Agenais" {
		t.Errorf("relay name %v, summary %v", relay["name"], relay["summary"])
	}
	var ni struct {
		Metadata map[string]any
	}
	rec = serve(f, "GET", "/nodeinfo/2.1", "application/json")
	if err := json.Unmarshal(rec.Body.Bytes(), &ni); err != nil || rec.Code != 200 {
		t.Fatalf("nodeinfo: %d %v", rec.Code, err)
	}
	if ni.Metadata["nodeName"] != "Agenda 47" || ni.Metadata["nodeDescription"] != "Les associations de l'Agenais" {
		t.Errorf("nodeinfo metadata %v", ni.Metadata)
	}
}
