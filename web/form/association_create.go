package form

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/bastide47/bastide/db/model"
)

// AssociationCreate is the admin's form that creates an association.
type AssociationCreate struct {
	Slug, Name, Description, Website, Commune string
}

// NewAssociationCreate reads the form.
func NewAssociationCreate(v url.Values) *AssociationCreate {
	return &AssociationCreate{Slug: strings.ToLower(value(v, "slug", true)), Name: value(v, "name", true),
		Description: strings.TrimSpace(v.Get("description")), Website: value(v, "website", true), Commune: value(v, "commune", true)}
}

// Model checks the form and returns the association to store, or the
// errors per field.
func (f *AssociationCreate) Model() (*model.Association, Errors) {
	e := Errors{}
	a := &model.Association{Slug: f.Slug, Name: f.Name, Description: f.Description, Website: f.Website}
	checkName(e, "name", f.Name, true)
	if len(f.Description) > model.MaxTextLen || !utf8.ValidString(f.Description) {
		e.add("description", "form.description.long", model.MaxTextLen)
	}
	if f.Commune != "" {
		if c, ok := model.CommuneByINSEE(f.Commune); ok {
			a.CommuneINSEE = c.INSEE
		} else if c, ok := model.CommuneByName(f.Commune); ok {
			a.CommuneINSEE = c.INSEE
		} else {
			e.add("commune", "form.commune.typed")
		}
	}
	if err := a.Validate(); err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			switch ve.Field {
			case "slug":
				e.add("slug", "form.slug.invalid", model.MaxSlugLen)
			case "website":
				e.add("website", "form.website.invalid", model.MaxHrefLen)
			case "name":
				e.add("name", "form.name.required")
			default:
				e.add("_", "admin.form.errors")
			}
		} else {
			e.add("_", "admin.form.errors")
		}
	}
	if len(e) > 0 {
		return nil, e
	}
	return a, nil
}
