package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/bastide47/bastide/db"
)

// The admin creates an association with its public calendar; bad input
// is refused next to its field and creates nothing.
func TestAssociationCreate(t *testing.T) {
	env := newAdminEnv(t)
	ctx := context.Background()
	admin := env.session("admin")
	env.do(http.MethodGet, "/admin/instance/associations", admin, nil).must(t, http.StatusOK, "Les amis", `href="/@amis"`)
	env.do(http.MethodGet, "/admin/instance/associations/new", admin, nil).must(t, http.StatusOK, `id="slug"`)

	before := env.snapshot()
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"name": {"Comité"}, "slug": {"Comité!"}}, "slug-err"},
		{url.Values{"name": {"Comité"}, "slug": {"admin"}}, "slug-err"},
		{url.Values{"name": {"Comité"}, "slug": {"amis"}}, "slug-err"},
		{url.Values{"name": {""}, "slug": {"comite"}}, "name-err"},
		{url.Values{"name": {"Comité"}, "slug": {"comite"}, "website": {"ftp://x"}}, "website-err"},
		{url.Values{"name": {"Comité"}, "slug": {"comite"}, "commune": {"Atlantis"}}, "commune-err"},
	} {
		env.do(http.MethodPost, "/admin/instance/associations", admin, c.form).
			must(t, http.StatusUnprocessableEntity, `id="`+c.field+`"`, `value="`+c.form.Get("name")+`"`)
	}
	if after := env.snapshot(); after != before {
		t.Fatal("refused creations changed the store")
	}
	env.do(http.MethodPost, "/admin/instance/associations", admin, url.Values{"name": {"Comité des fêtes de Nérac"}, "slug": {"comite-nerac"},
		"commune": {"Nérac"}, "website": {"https://comite.example.org"}, "description": {"Fêtes et bals."}}).
		redirects(t, "/admin/instance/associations")
	a, err := env.s.GetAssociationBySlug(ctx, "comite-nerac")
	if err != nil || a.Name != "Comité des fêtes de Nérac" || a.CommuneINSEE != "47195" || a.Description != "Fêtes et bals." {
		t.Fatalf("created: %+v %v", a, err)
	}
	cal, err := env.s.GetAssociationCalendar(ctx, a.ID, db.DefaultCalendarSlug)
	if err != nil || !cal.Public || cal.Name != "Agenda de Comité des fêtes de Nérac" {
		t.Fatalf("its calendar: %+v %v", cal, err)
	}
	env.do(http.MethodGet, "/@comite-nerac", "", nil).must(t, http.StatusOK, "Comité des fêtes de Nérac")
}
