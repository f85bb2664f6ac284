package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEventValidate(t *testing.T) {
	start := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	good := func() *Event {
		return &Event{CalendarID: 1, Href: "a.ics", UID: "a", Component: "VEVENT", Data: "BEGIN:VCALENDAR",
			Start: start, End: start.Add(time.Hour)}
	}
	cases := []struct {
		name  string
		edit  func(e *Event)
		field string
	}{
		{"ok", func(e *Event) {}, ""},
		{"no calendar", func(e *Event) { e.CalendarID = 0 }, "calendar"},
		{"href with slash", func(e *Event) { e.Href = "../b.ics" }, "href"},
		{"href dotdot", func(e *Event) { e.Href = ".." }, "href"},
		{"no uid", func(e *Event) { e.UID = " " }, "uid"},
		{"journal", func(e *Event) { e.Component = "VJOURNAL" }, "component"},
		{"no data", func(e *Event) { e.Data = "" }, "data"},
		{"too big", func(e *Event) { e.Data = strings.Repeat("x", MaxEventData+1) }, "data"},
		{"no start", func(e *Event) { e.Start = time.Time{}; e.End = time.Time{} }, "dtstart"},
		{"end before start", func(e *Event) { e.End = start.Add(-time.Minute) }, "dtend"},
		{"bad status", func(e *Event) { e.Status = "MAYBE" }, "status"},
		{"bad utf8", func(e *Event) { e.Summary = "\xff" }, "summary"},
		{"bad geo", func(e *Event) { e.HasGeo = true; e.Lat = 100 }, "geo"},
		{"bad moderation", func(e *Event) { e.Moderation = "meh" }, "moderation"},
		{"bad instance", func(e *Event) { e.Instances = []Instance{{Start: start, End: start.Add(-time.Hour)}} }, "instances"},
		{"todo without start", func(e *Event) { e.Component = "VTODO"; e.Start = time.Time{}; e.End = time.Time{} }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := good()
			c.edit(e)
			err := e.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != c.field {
				t.Fatalf("want error on %q, got %v", c.field, err)
			}
		})
	}
}

func TestOtherValidate(t *testing.T) {
	cases := []struct {
		name  string
		v     interface{ Validate() error }
		field string
	}{
		{"user ok", &User{Username: "marie.dupont"}, ""},
		{"user upper", &User{Username: "Marie"}, "username"},
		{"user email", &User{Username: "m", Email: "nope"}, "email"},
		{"assoc ok", &Association{Slug: "les-amis", Name: "Les amis", CommuneINSEE: "47001"}, ""},
		{"assoc slug", &Association{Slug: "Les Amis", Name: "x"}, "slug"},
		{"assoc slug dash", &Association{Slug: "-x", Name: "x"}, "slug"},
		{"assoc reserved", &Association{Slug: "relay", Name: "Relais"}, "slug"},
		{"assoc no name", &Association{Slug: "x"}, "name"},
		{"assoc website", &Association{Slug: "x", Name: "x", Website: "javascript:alert(1)"}, "website"},
		{"assoc commune", &Association{Slug: "x", Name: "x", CommuneINSEE: "Agen"}, "commune"},
		{"membership role", &Membership{UserID: 1, AssociationID: 1, Role: "boss"}, "role"},
		{"membership ok", &Membership{UserID: 1, AssociationID: 1, Role: RoleEditor}, ""},
		{"calendar ok", &Calendar{Kind: CalendarAssociation, AssociationID: 1, Slug: "main", Name: "Agenda", Components: []string{"VEVENT"}}, ""},
		{"calendar kind", &Calendar{Kind: "shared", Slug: "main", Name: "x", Components: []string{"VEVENT"}}, "kind"},
		{"calendar no assoc", &Calendar{Kind: CalendarAssociation, Slug: "main", Name: "x", Components: []string{"VEVENT"}}, "association"},
		{"calendar color", &Calendar{Kind: CalendarPersonal, OwnerUserID: 1, Slug: "p", Name: "x", Color: "red", Components: []string{"VEVENT"}}, "color"},
		{"calendar comps", &Calendar{Kind: CalendarPersonal, OwnerUserID: 1, Slug: "p", Name: "x", Components: []string{"VJOURNAL"}}, "components"},
		{"remote no source", &Calendar{Kind: CalendarRemote, Slug: "r", Name: "x", Components: []string{"VEVENT"}}, "source"},
		{"place geo", &Place{Name: "x", HasGeo: true, Lon: 200}, "geo"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.v.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != c.field {
				t.Fatalf("want error on %q, got %v", c.field, err)
			}
			if !strings.HasPrefix(ve.Error(), c.field+": ") {
				t.Fatalf("message should name the field: %q", ve.Error())
			}
		})
	}
}

func TestRoles(t *testing.T) {
	if !RoleOwner.CanAdmin() || RoleEditor.CanAdmin() || !RoleEditor.CanWrite() || RoleViewer.CanWrite() || Role("x").Valid() {
		t.Fatal("role rules broken")
	}
}

func TestCommunes(t *testing.T) {
	if n := len(Communes()); n != 319 {
		t.Fatalf("want 319 communes, got %d", n)
	}
	c, ok := CommuneByName("villeneuve sur lot")
	if !ok || c.INSEE != "47323" {
		t.Fatalf("Villeneuve-sur-Lot: %+v %v", c, ok)
	}
	if c, ok := CommuneByINSEE("47001"); !ok || c.Name != "Agen" {
		t.Fatalf("Agen: %+v", c)
	}
	c, ok = FindCommuneIn("Salle des fêtes, 12 rue Pasteur, 47600 Nérac")
	if !ok || c.Name != "Nérac" {
		t.Fatalf("Nérac in address: %+v %v", c, ok)
	}
	if _, ok := FindCommuneIn("Bordeaux 33000"); ok {
		t.Fatal("Bordeaux is not in the Lot-et-Garonne")
	}
	if FoldKey("Fête à l'Œil") != "fete a l oeil" {
		t.Fatalf("fold: %q", FoldKey("Fête à l'Œil"))
	}
}
