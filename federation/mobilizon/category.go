package mobilizon

import (
	"strings"

	"github.com/bastide47/bastide/db/model"
)

// DefaultCategory is what Mobilizon stores for an unknown category.
const DefaultCategory = "MEETING"

// Categories are Mobilizon 5's built-in event categories (ids of
// lib/mobilizon/events/categories.ex). Mobilizon keeps a category only when
// it is one of these uppercase ids and silently turns anything else into
// MEETING.
var Categories = []string{
	"ARTS", "BOOK_CLUBS", "BUSINESS", "CAUSES", "COMEDY", "CRAFTS", "FOOD_DRINK",
	"HEALTH", "MUSIC", "AUTO_BOAT_AIR", "COMMUNITY", "FAMILY_EDUCATION",
	"FASHION_BEAUTY", "FILM_MEDIA", "GAMES", "LANGUAGE_CULTURE", "LEARNING",
	"LGBTQ", "MOVEMENTS_POLITICS", "NETWORKING", "PARTY",
	"PERFORMING_VISUAL_ARTS", "PETS", "PHOTOGRAPHY", "OUTDOORS_ADVENTURE",
	"SPIRITUALITY_RELIGION_BELIEFS", "SCIENCE_TECH", "SPORTS", "THEATRE",
	"MEETING",
}

// KnownCategory reports whether Mobilizon keeps c as it is.
func KnownCategory(c string) bool {
	for _, k := range Categories {
		if c == k {
			return true
		}
	}
	return false
}

// categoryWords maps folded words (model.FoldKey: lower case, no accents,
// hyphens and apostrophes as spaces) found in iCalendar CATEGORIES to
// Mobilizon ids. French first, since the associations write French, then
// English. A category value matches when it equals a key or one of its
// words does.
var categoryWords = map[string]string{
	// arts, shows
	"art": "ARTS", "arts": "ARTS", "exposition": "ARTS", "expo": "ARTS", "peinture": "ARTS",
	"sculpture": "ARTS", "vernissage": "ARTS", "galerie": "ARTS", "musee": "ARTS",
	"arts plastiques": "ARTS", "exhibition": "ARTS",
	"theatre": "THEATRE", "spectacle": "PERFORMING_VISUAL_ARTS", "danse": "PERFORMING_VISUAL_ARTS",
	"cirque": "PERFORMING_VISUAL_ARTS", "conte": "PERFORMING_VISUAL_ARTS", "marionnettes": "PERFORMING_VISUAL_ARTS",
	"dance": "PERFORMING_VISUAL_ARTS", "show": "PERFORMING_VISUAL_ARTS",
	"humour": "COMEDY", "comedie": "COMEDY", "comedy": "COMEDY", "one man show": "COMEDY",
	"cinema": "FILM_MEDIA", "film": "FILM_MEDIA", "projection": "FILM_MEDIA", "documentaire": "FILM_MEDIA",
	"radio": "FILM_MEDIA", "media": "FILM_MEDIA", "movie": "FILM_MEDIA",
	"photo": "PHOTOGRAPHY", "photographie": "PHOTOGRAPHY", "photography": "PHOTOGRAPHY",
	// music
	"musique": "MUSIC", "concert": "MUSIC", "music": "MUSIC", "chorale": "MUSIC", "chant": "MUSIC",
	"festival": "MUSIC", "jazz": "MUSIC", "rock": "MUSIC", "fanfare": "MUSIC", "opera": "MUSIC",
	// sports and outdoors
	"sport": "SPORTS", "sports": "SPORTS", "football": "SPORTS", "rugby": "SPORTS", "tennis": "SPORTS",
	"course": "SPORTS", "velo": "SPORTS", "cyclisme": "SPORTS", "natation": "SPORTS", "basket": "SPORTS",
	"petanque": "SPORTS", "tournoi": "SPORTS", "competition": "SPORTS",
	"randonnee": "OUTDOORS_ADVENTURE", "rando": "OUTDOORS_ADVENTURE", "marche": "OUTDOORS_ADVENTURE",
	"balade": "OUTDOORS_ADVENTURE", "nature": "OUTDOORS_ADVENTURE", "plein air": "OUTDOORS_ADVENTURE",
	"jardin": "OUTDOORS_ADVENTURE", "jardinage": "OUTDOORS_ADVENTURE", "canoe": "OUTDOORS_ADVENTURE",
	"hiking": "OUTDOORS_ADVENTURE", "outdoors": "OUTDOORS_ADVENTURE",
	// food
	"repas": "FOOD_DRINK", "gastronomie": "FOOD_DRINK", "degustation": "FOOD_DRINK", "vin": "FOOD_DRINK",
	"marche gourmand": "FOOD_DRINK", "marche de producteurs": "FOOD_DRINK", "cuisine": "FOOD_DRINK",
	"banquet": "FOOD_DRINK", "pique nique": "FOOD_DRINK", "food": "FOOD_DRINK", "drink": "FOOD_DRINK",
	"pruneau": "FOOD_DRINK", "vendanges": "FOOD_DRINK",
	// community life
	"fete": "PARTY", "bal": "PARTY", "soiree": "PARTY", "guinguette": "PARTY", "party": "PARTY",
	"carnaval": "PARTY", "feu d artifice": "PARTY",
	"vie associative": "COMMUNITY", "communaute": "COMMUNITY", "quartier": "COMMUNITY",
	"vide grenier": "COMMUNITY", "brocante": "COMMUNITY", "loto": "COMMUNITY", "community": "COMMUNITY",
	"solidarite": "CAUSES", "benevolat": "CAUSES", "humanitaire": "CAUSES", "collecte": "CAUSES",
	"environnement": "CAUSES", "ecologie": "CAUSES", "causes": "CAUSES", "charity": "CAUSES",
	"politique": "MOVEMENTS_POLITICS", "manifestation": "MOVEMENTS_POLITICS", "citoyennete": "MOVEMENTS_POLITICS",
	"debat": "MOVEMENTS_POLITICS", "syndicat": "MOVEMENTS_POLITICS", "politics": "MOVEMENTS_POLITICS",
	"reunion": "MEETING", "assemblee generale": "MEETING", "ag": "MEETING", "permanence": "MEETING",
	"meeting": "MEETING", "rencontre": "MEETING",
	"reseau": "NETWORKING", "networking": "NETWORKING", "afterwork": "NETWORKING",
	"entreprise": "BUSINESS", "economie": "BUSINESS", "emploi": "BUSINESS", "business": "BUSINESS",
	// learning, culture
	"conference": "LEARNING", "formation": "LEARNING", "cours": "LEARNING", "atelier": "LEARNING",
	"stage": "LEARNING", "learning": "LEARNING", "workshop": "LEARNING",
	"lecture": "BOOK_CLUBS", "livre": "BOOK_CLUBS", "livres": "BOOK_CLUBS", "bibliotheque": "BOOK_CLUBS",
	"mediatheque": "BOOK_CLUBS", "club de lecture": "BOOK_CLUBS", "salon du livre": "BOOK_CLUBS", "books": "BOOK_CLUBS",
	"patrimoine": "LANGUAGE_CULTURE", "culture": "LANGUAGE_CULTURE", "occitan": "LANGUAGE_CULTURE",
	"langue": "LANGUAGE_CULTURE", "langues": "LANGUAGE_CULTURE", "histoire": "LANGUAGE_CULTURE",
	"visite": "LANGUAGE_CULTURE", "journees du patrimoine": "LANGUAGE_CULTURE", "heritage": "LANGUAGE_CULTURE",
	"science": "SCIENCE_TECH", "sciences": "SCIENCE_TECH", "informatique": "SCIENCE_TECH",
	"numerique": "SCIENCE_TECH", "logiciel libre": "SCIENCE_TECH", "astronomie": "SCIENCE_TECH",
	"tech":    "SCIENCE_TECH",
	"enfants": "FAMILY_EDUCATION", "enfant": "FAMILY_EDUCATION", "famille": "FAMILY_EDUCATION",
	"jeunesse": "FAMILY_EDUCATION", "education": "FAMILY_EDUCATION", "ecole": "FAMILY_EDUCATION",
	"family": "FAMILY_EDUCATION",
	"jeu":    "GAMES", "jeux": "GAMES", "jeux de societe": "GAMES", "ludotheque": "GAMES", "games": "GAMES",
	"bricolage": "CRAFTS", "artisanat": "CRAFTS", "couture": "CRAFTS", "tricot": "CRAFTS",
	"reparation": "CRAFTS", "repair cafe": "CRAFTS", "crafts": "CRAFTS",
	"sante": "HEALTH", "yoga": "HEALTH", "bien etre": "HEALTH", "don du sang": "HEALTH",
	"meditation": "HEALTH", "health": "HEALTH",
	"animaux": "PETS", "chiens": "PETS", "chats": "PETS", "pets": "PETS",
	"spiritualite": "SPIRITUALITY_RELIGION_BELIEFS", "religion": "SPIRITUALITY_RELIGION_BELIEFS",
	"messe": "SPIRITUALITY_RELIGION_BELIEFS", "eglise": "SPIRITUALITY_RELIGION_BELIEFS",
	"lgbt": "LGBTQ", "lgbtq": "LGBTQ", "lgbtqia": "LGBTQ", "fiertes": "LGBTQ", "pride": "LGBTQ",
	"mode": "FASHION_BEAUTY", "beaute": "FASHION_BEAUTY", "defile": "FASHION_BEAUTY", "fashion": "FASHION_BEAUTY",
	"auto": "AUTO_BOAT_AIR", "moto": "AUTO_BOAT_AIR", "voitures anciennes": "AUTO_BOAT_AIR",
	"bateau": "AUTO_BOAT_AIR", "aviation": "AUTO_BOAT_AIR", "aeromodelisme": "AUTO_BOAT_AIR",
}

// CategoryFor picks the Mobilizon category of an event from its iCalendar
// CATEGORIES, in order: the first value that is a Mobilizon id (any case,
// "food & drink" or "FOOD_DRINK"), else the first value whose folded text,
// or one of its words, is in the French/English word table, else MEETING.
// Matching is on whole values first, then on words, so "Marché de
// producteurs" is FOOD_DRINK and "Marche nordique" is OUTDOORS_ADVENTURE.
func CategoryFor(categories []string) string {
	for _, c := range categories {
		id := strings.ToUpper(strings.NewReplacer(" & ", "_", "&", "_", " ", "_", "-", "_").Replace(strings.TrimSpace(c)))
		if KnownCategory(id) {
			return id
		}
	}
	for _, c := range categories {
		// Folding loses the accent that tells a market from a walk.
		for _, w := range strings.FieldsFunc(strings.ToLower(c), func(r rune) bool { return r == ' ' || r == '-' || r == ',' }) {
			if w == "marché" || w == "marchés" {
				return "FOOD_DRINK"
			}
		}
		if id, ok := categoryWords[model.FoldKey(c)]; ok {
			return id
		}
	}
	for _, c := range categories {
		for _, w := range strings.Fields(model.FoldKey(c)) {
			if id, ok := categoryWords[w]; ok {
				return id
			}
		}
	}
	return DefaultCategory
}
