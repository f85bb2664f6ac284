package model

import (
	_ "embed"
	"encoding/csv"
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
	key := " " + FoldKey(text) + " "
	var best *Commune
	for i := range communes {
		c := &communes[i]
		k := FoldKey(c.Name)
		if strings.Contains(key, " "+k+" ") {
			if best == nil || len(k) > len(FoldKey(best.Name)) {
				best = c
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
