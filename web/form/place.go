package form

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/bastide47/bastide/db/model"
)

// Place is a place of an association: a name, an address in one of the
// communes, and optional coordinates.
type Place struct {
	Name    string
	Street  string
	Commune string // INSEE code
	Lat     string
	Lon     string

	lat, lon float64
}

// NewPlace reads the form.
func NewPlace(v url.Values) *Place {
	return &Place{Name: value(v, "name", true), Street: value(v, "street", true), Commune: value(v, "commune", true),
		Lat: value(v, "lat", true), Lon: value(v, "lon", true)}
}

// FromPlace fills the form from a stored place.
func FromPlace(p *model.Place) *Place {
	f := &Place{Name: p.Name, Street: p.Street, Commune: p.CommuneINSEE}
	if p.HasGeo {
		f.Lat, f.Lon = strconv.FormatFloat(p.Lat, 'f', -1, 64), strconv.FormatFloat(p.Lon, 'f', -1, 64)
	}
	return f
}

// Validate checks each field.
func (f *Place) Validate() Errors {
	e := Errors{}
	checkName(e, "name", f.Name, true)
	if len(f.Name) > model.MaxNameLen {
		e.add("name", "form.name.long", model.MaxNameLen)
	}
	if len(f.Street) > model.MaxNameLen {
		e.add("street", "form.street.long", model.MaxNameLen)
	}
	if _, ok := model.CommuneByINSEE(f.Commune); !ok {
		e.add("commune", "form.commune.unknown")
	}
	if f.Lat != "" || f.Lon != "" {
		var okLat, okLon bool
		f.lat, okLat = coordinate(f.Lat, 90)
		f.lon, okLon = coordinate(f.Lon, 180)
		if !okLat || !okLon {
			e.add("geo", "form.geo.invalid")
		}
	}
	return e
}

// coordinate reads a decimal degree (a comma is taken for the point) of
// at most bound either way.
func coordinate(s string, bound float64) (float64, bool) {
	if s == "" || len(s) > 32 {
		return 0, false
	}
	x, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || x < -bound || x > bound {
		return 0, false
	}
	return x, true
}

// Apply copies a valid form onto a place: the postcode and locality are
// the commune's.
func (f *Place) Apply(p *model.Place) {
	p.Name, p.Street, p.CommuneINSEE = f.Name, f.Street, f.Commune
	if c, ok := model.CommuneByINSEE(f.Commune); ok {
		p.Locality = c.Name
		p.PostalCode = ""
		if len(c.Postcodes) > 0 {
			p.PostalCode = c.Postcodes[0]
		}
	}
	p.HasGeo = f.Lat != "" || f.Lon != ""
	p.Lat, p.Lon = 0, 0
	if p.HasGeo {
		p.Lat, p.Lon = f.lat, f.lon
	}
}
