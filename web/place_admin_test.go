package web

import (
	"context"
	"net/url"
	"testing"
)

func TestPlaces(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	amis := env.assocs["amis"].ID
	olga := env.session("olga")
	env.do("GET", "/admin/associations/amis/places", olga, nil).must(t, 200, "<h1>Lieux de l&#39;association</h1>", "pas encore de lieu")
	env.do("GET", "/admin/associations/amis/places/new", olga, nil).must(t, 200, `<option value="47195">Nérac</option>`)

	// Two villages' halls of the same name are two places.
	for _, commune := range []string{"47195", "47001"} {
		env.do("POST", "/admin/associations/amis/places", olga, url.Values{"name": {"Salle des fêtes"}, "street": {"Place de la mairie"},
			"commune": {commune}, "lat": {"44,13210"}, "lon": {"0.34336"}}).redirects(t, "/admin/associations/amis/places?done=saved")
	}
	ps, err := env.s.ListAssociationPlaces(ctx, amis)
	if err != nil || len(ps) != 2 {
		t.Fatalf("places %v (%v)", ps, err)
	}
	agen := ps[0]
	if agen.CommuneINSEE != "47001" || agen.Locality != "Agen" || agen.PostalCode != "47000" || !agen.HasGeo || agen.Lat != 44.1321 {
		t.Fatalf("the hall of Agen is %+v", agen)
	}
	env.do("GET", "/admin/associations/amis/places", olga, nil).must(t, 200, "Place de la mairie, 47000 Agen", "47600 Nérac")

	before := env.snapshot()
	env.do("POST", "/admin/associations/amis/places", olga, url.Values{"name": {"Salle des fêtes"}, "commune": {"47195"}}).
		must(t, 409, "déjà un lieu de ce nom dans cette commune")
	env.do("POST", "/admin/associations/amis/places", olga, url.Values{"name": {"Stade"}, "commune": {"75056"}, "lat": {"44.2"}}).
		must(t, 422, `id="commune-err"`, `id="geo-err"`, `value="Stade"`)
	env.do("POST", "/admin/associations/amis/places", olga, url.Values{"name": {"Stade"}, "commune": {"47001"}, "lat": {"91"}, "lon": {"0"}}).
		must(t, 422, `id="geo-err"`)
	if after := env.snapshot(); after != before {
		t.Fatalf("refused forms changed the store:\n%s\n%s", before, after)
	}
	other := env.place("autre", "Foyer", "47001")
	before = env.snapshot()
	env.do("GET", "/admin/associations/amis/places/"+other+"/edit", olga, nil).must(t, 404, "Ce lieu n&#39;existe pas.")
	env.do("POST", "/admin/associations/amis/places/"+other+"/delete", olga, url.Values{}).must(t, 404)
	if after := env.snapshot(); after != before {
		t.Fatalf("refused forms changed the store:\n%s\n%s", before, after)
	}

	id := itoa(int(agen.ID))
	env.do("POST", "/admin/associations/amis/places/"+id+"/edit", olga, url.Values{"name": {"Salle Jasmin"}, "commune": {"47001"}}).
		redirects(t, "/admin/associations/amis/places?done=saved")
	if p, _ := env.s.GetAssociationPlace(ctx, amis, agen.ID); p.Name != "Salle Jasmin" || p.HasGeo {
		t.Fatalf("updated %+v", p)
	}
	env.do("POST", "/admin/associations/amis/places/"+id+"/delete", olga, url.Values{}).redirects(t, "/admin/associations/amis/places?done=removed")
	if ps, _ := env.s.ListAssociationPlaces(ctx, amis); len(ps) != 1 || ps[0].Locality != "Nérac" {
		t.Fatalf("after the deletion: %+v", ps)
	}
}
