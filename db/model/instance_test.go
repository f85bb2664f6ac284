package model

import "testing"

func TestContactHref(t *testing.T) {
	for in, want := range map[string]string{
		"contact@agenda47.fr":          "mailto:contact@agenda47.fr",
		"https://agenda47.fr/contact":  "https://agenda47.fr/contact",
		"http://agenda47.fr":           "http://agenda47.fr",
		"javascript:alert(1)":          "",
		"https://user:pw@agenda47.fr/": "",
		"pas une adresse":              "",
		"a@b@c":                        "",
		"jean.dupont@mairie-nerac.fr":  "mailto:jean.dupont@mairie-nerac.fr",
		"jean..dupont@nerac.fr":        "",
		"jean@localhost":               "",
		"https://":                     "",
	} {
		if got := ContactHref(in); got != want {
			t.Errorf("ContactHref(%q) = %q, want %q", in, got, want)
		}
	}
}
