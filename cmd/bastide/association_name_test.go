package main

import (
	"context"
	"testing"
)

// The calendar an association gets is named the French way: "de" and the
// name's article contract ("des Amis", "du Comité", "d'Agen").
func TestAssociationAddCalendarNameContracts(t *testing.T) {
	data := t.TempDir()
	for slug, tc := range map[string]struct{ name, want string }{
		"amis-marche":  {"Les Amis du marché", "Agenda des Amis du marché"},
		"comite-nerac": {"Le Comité des fêtes de Nérac", "Agenda du Comité des fêtes de Nérac"},
		"agen-rugby":   {"Agen Rugby", "Agenda d'Agen Rugby"},
	} {
		cli(t, data, "", "association", "add", slug, "--name", tc.name).must(t, 0)
		store := openStore(t, data)
		a, err := store.GetAssociationBySlug(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		cal, err := store.GetAssociationCalendar(context.Background(), a.ID, "agenda")
		if err != nil {
			t.Fatal(err)
		}
		if cal.Name != tc.want {
			t.Errorf("%s: calendar named %q, want %q", slug, cal.Name, tc.want)
		}
		store.Close()
	}
}
