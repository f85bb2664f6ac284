package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// De returns "de" joined to a name the way French writes it: "Les Amis du
// marché" → "des Amis du marché", "Le Comité" → "du Comité", "La Ferme" →
// "de la Ferme", "L'Harmonie" → "de l'Harmonie", "Agen" → "d'Agen",
// "Villeneuve" → "de Villeneuve". This is the one place for the rule:
// calendar names, page and feed titles all ask it.
//
// An h counts as mute ("d'Harmonie") except in the few words with an
// aspirated h that associations put first in their names ("de Hautefage");
// a Y before a consonant is a vowel ("d'Yves"), before a vowel it is not
// ("de Yoga 47").
func De(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return "de"
	}
	first, rest, _ := strings.Cut(name, " ")
	switch strings.ToLower(first) {
	case "le":
		if rest != "" {
			return "du " + rest
		}
	case "les":
		if rest != "" {
			return "des " + rest
		}
	case "la":
		if rest != "" {
			return "de la " + rest
		}
	}
	for _, apos := range []string{"'", "\u2019"} {
		if len(name) > 2 && (name[0] == 'L' || name[0] == 'l') && strings.HasPrefix(name[1:], apos) {
			return "de l" + name[1:]
		}
	}
	if elides(name) {
		return "d'" + name
	}
	return "de " + name
}

// aspiratedH lists the beginnings of words with an aspirated h, before
// which French keeps "de" whole.
var aspiratedH = []string{"hache", "haie", "hall", "halle", "hameau", "hand", "hangar", "hardi", "harpe", "hasard", "haut", "hautefage", "héros", "hêtre", "hibou", "hockey", "hollande", "homard", "honte", "hors", "hotte", "houblon", "huit", "hutte"}

// elides reports whether "de" becomes "d'" before word.
func elides(word string) bool {
	r, size := utf8.DecodeRuneInString(word)
	lower := unicode.ToLower(r)
	switch {
	case strings.ContainsRune("aàâäeéèêëiîïoôöuùûü", lower):
		return true
	case lower == 'y':
		next, _ := utf8.DecodeRuneInString(word[size:])
		return next != utf8.RuneError && !strings.ContainsRune("aeiouéèê", unicode.ToLower(next)) && unicode.IsLetter(next)
	case lower == 'h':
		w := strings.ToLower(word)
		for _, a := range aspiratedH {
			if strings.HasPrefix(w, a) {
				return false
			}
		}
		next, _ := utf8.DecodeRuneInString(word[size:])
		return unicode.IsLetter(next)
	}
	return false
}
