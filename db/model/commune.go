package model

import (
	_ "embed"
	"encoding/csv"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Commune is one of the 319 communes of the Lot-et-Garonne, the built-in
// place registry (public data: INSEE codes, names, postcodes, centres).
type Commune struct {
	INSEE      string
	Name       string
	Postcodes  []string
	Lat, Lon   float64
	Population int
}

//go:embed communes-47.csv
var communesCSV string

var (
	communes       []Commune
	communeByINSEE = map[string]*Commune{}
	communeByKey   = map[string]*Commune{}
	// communeMaxWords is the number of words of the longest name.
	communeMaxWords int
)

func init() {
	recs, err := csv.NewReader(strings.NewReader(communesCSV)).ReadAll()
	if err != nil {
		panic("model: communes-47.csv: " + err.Error())
	}
	for _, r := range recs[1:] {
		lat, _ := strconv.ParseFloat(r[3], 64)
		lon, _ := strconv.ParseFloat(r[4], 64)
		pop, _ := strconv.Atoi(r[5])
		communes = append(communes, Commune{INSEE: r[0], Name: r[1], Postcodes: strings.Fields(r[2]), Lat: lat, Lon: lon, Population: pop})
	}
	sort.Slice(communes, func(i, j int) bool { return FoldKey(communes[i].Name) < FoldKey(communes[j].Name) })
	for i := range communes {
		c := &communes[i]
		communeByINSEE[c.INSEE] = c
		communeByKey[FoldKey(c.Name)] = c
		communeMaxWords = max(communeMaxWords, len(strings.Fields(FoldKey(c.Name))))
	}
}

// Communes returns the communes of the Lot-et-Garonne sorted by name.
func Communes() []Commune { return communes }

// CommuneByINSEE finds a commune by its INSEE code.
func CommuneByINSEE(code string) (*Commune, bool) {
	c, ok := communeByINSEE[code]
	return c, ok
}

// CommuneByName finds a commune by name, ignoring case, accents, hyphens
// and apostrophes ("villeneuve sur lot" finds Villeneuve-sur-Lot).
func CommuneByName(name string) (*Commune, bool) {
	c, ok := communeByKey[FoldKey(name)]
	return c, ok
}

// FindCommuneIn looks for a commune named in free text such as an address
// ("12 rue Pasteur, 47300 Villeneuve-sur-Lot"): a postcode with a matching
// name wins, then the longest commune name found as whole words.
func FindCommuneIn(text string) (*Commune, bool) {
	if len(text) > MaxTextLen {
		text = text[:MaxTextLen]
	}
	// Every run of up to communeMaxWords words is looked up: linear in
	// the text, whatever its length.
	words := strings.Fields(FoldKey(text))
	var best *Commune
	bestKey := ""
	for i := range words {
		for n := 1; n <= communeMaxWords && i+n <= len(words); n++ {
			k := strings.Join(words[i:i+n], " ")
			c, ok := communeByKey[k]
			if ok && (len(k) > len(bestKey) || (len(k) == len(bestKey) && k < bestKey)) {
				best, bestKey = c, k
			}
		}
	}
	if best != nil {
		return best, true
	}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsDigit(r) }) {
		if len(f) != 5 {
			continue
		}
		var only *Commune
		n := 0
		for i := range communes {
			for _, pc := range communes[i].Postcodes {
				if pc == f {
					only = &communes[i]
					n++
				}
			}
		}
		if n == 1 {
			return only, true
		}
	}
	return nil, false
}

var accents = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a", "ã", "a", "å", "a",
	"ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ì", "i", "ñ", "n",
	"ô", "o", "ö", "o", "ó", "o", "ò", "o", "õ", "o",
	"ù", "u", "û", "u", "ü", "u", "ú", "u", "ÿ", "y", "ý", "y",
	"œ", "oe", "æ", "ae", "ß", "ss",
)

// FoldKey lower-cases s, removes the accents of French and neighbouring
// languages and turns punctuation into single spaces: the form in which
// names and search words are compared.
func FoldKey(s string) string {
	out := accents.Replace(strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(out, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}

// maxCommuneDistance is how far from a commune's centre a point may be
// for CommuneNear to name that commune: about the radius of the largest
// communes of the Lot-et-Garonne.
const maxCommuneDistance = 6.0 // km

// CommuneNear returns the commune whose centre is nearest to a point, if
// the point is within a few kilometres of it (a point outside the
// département finds none).
func CommuneNear(lat, lon float64) (*Commune, bool) {
	var best *Commune
	bestD := math.Inf(1)
	for i := range communes {
		c := &communes[i]
		if d := distanceKm(lat, lon, c.Lat, c.Lon); d < bestD {
			best, bestD = c, d
		}
	}
	if best == nil || bestD > maxCommuneDistance {
		return nil, false
	}
	return best, true
}

// distanceKm is the distance between two points in kilometres; an
// equirectangular distance is exact enough at the scale of a département.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	x := (lon1 - lon2) * math.Cos((lat1+lat2)/2*math.Pi/180)
	return math.Hypot(x, lat1-lat2) * 111.2
}

// CommunesAround returns the INSEE codes of the commune insee and of the
// communes whose centre is within km of its centre; nil for an unknown
// code.
func CommunesAround(insee string, km float64) []string {
	c, ok := CommuneByINSEE(insee)
	if !ok {
		return nil
	}
	out := []string{c.INSEE}
	for i := range communes {
		o := &communes[i]
		if o.INSEE != c.INSEE && distanceKm(c.Lat, c.Lon, o.Lat, o.Lon) <= km {
			out = append(out, o.INSEE)
		}
	}
	return out
}

// DeriveCommune returns the INSEE code of the commune an event takes place
// in, from what its text says: a commune named in its LOCATION (see
// FindCommuneIn), else the commune of its GEO point; "" when neither
// names one. Every road that stores an event (CalDAV, import,
// subscriptions, the form, federation) derives it here, through the
// store, when the event does not carry one.
func DeriveCommune(location string, lat, lon float64, hasGeo bool) string {
	if location != "" {
		if c, ok := FindCommuneIn(location); ok {
			return c.INSEE
		}
	}
	if hasGeo {
		if c, ok := CommuneNear(lat, lon); ok {
			return c.INSEE
		}
	}
	return ""
}
