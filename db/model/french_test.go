package model

import "testing"

func TestDe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Les Amis du marché", "des Amis du marché"},
		{"les Amis", "des Amis"},
		{"Le Comité des fêtes", "du Comité des fêtes"},
		{"La Ferme de Bordeneuve", "de la Ferme de Bordeneuve"},
		{"L'Harmonie nérac", "de l'Harmonie nérac"},
		{"L’Écho du Lot", "de l’Écho du Lot"},
		{"Agen Rugby", "d'Agen Rugby"},
		{"Écoles en fête", "d'Écoles en fête"},
		{"Harmonie de Nérac", "d'Harmonie de Nérac"},
		{"Hautefage Animation", "de Hautefage Animation"},
		{"Hameau vivant", "de Hameau vivant"},
		{"Yves et compagnie", "d'Yves et compagnie"},
		{"Yoga 47", "de Yoga 47"},
		{"Villeneuve Cyclo", "de Villeneuve Cyclo"},
		{"Lemonde", "de Lemonde"},
		{"Le", "de Le"},
		{"Lavardac Pétanque", "de Lavardac Pétanque"},
		{"  Les Amis  ", "des Amis"},
		{"47 Randos", "de 47 Randos"},
		{"", "de"},
	} {
		if got := De(tc.in); got != tc.want {
			t.Errorf("De(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
