package form

import (
	"net/url"
	"unicode/utf8"

	"github.com/bastide47/bastide/db/model"
)

// Association is an association's profile as its owners edit it.
type Association struct {
	Name        string
	Description string
	Website     string
	Commune     string // INSEE code, from the registry's list
	Manual      bool   // manually approve followers
	RemoveLogo  bool
}

// NewAssociation reads the form.
func NewAssociation(v url.Values) *Association {
	return &Association{
		Name:        value(v, "name", true),
		Description: text(v, "description"),
		Website:     value(v, "website", true),
		Commune:     value(v, "commune", true),
		Manual:      v.Get("manual") == "on",
		RemoveLogo:  v.Get("remove_logo") == "on",
	}
}

// FromAssociation fills the form from the stored profile.
func FromAssociation(a *model.Association) *Association {
	return &Association{Name: a.Name, Description: a.Description, Website: a.Website,
		Commune: a.CommuneINSEE, Manual: a.ManuallyApprovesFollowers}
}

// Validate checks each field.
func (f *Association) Validate() Errors {
	e := Errors{}
	checkName(e, "name", f.Name, true)
	if len(f.Name) > model.MaxNameLen { // the store counts bytes
		e.add("name", "form.name.long", model.MaxNameLen)
	}
	if len(f.Description) > model.MaxTextLen || !utf8.ValidString(f.Description) {
		e.add("description", "form.description.long", model.MaxTextLen)
	}
	checkWebsite(e, "website", f.Website)
	if f.Commune != "" {
		if _, ok := model.CommuneByINSEE(f.Commune); !ok {
			e.add("commune", "form.commune.unknown")
		}
	}
	return e
}

// Apply copies the form onto the stored association.
func (f *Association) Apply(a *model.Association) {
	a.Name, a.Description, a.Website, a.CommuneINSEE = f.Name, f.Description, f.Website, f.Commune
	a.ManuallyApprovesFollowers = f.Manual
}

// text reads a long text field (a description), cut at a bound past the
// longest valid one.
func text(v url.Values, name string) string {
	s := v.Get(name)
	if len(s) > 4*model.MaxTextLen {
		s = s[:4*model.MaxTextLen]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

func checkWebsite(e Errors, field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || len(s) > model.MaxHrefLen || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		e.add(field, "form.website.invalid", model.MaxHrefLen)
	}
}
