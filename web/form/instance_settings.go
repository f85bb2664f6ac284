package form

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/bastide47/bastide/db/model"
)

// InstanceSettings is the instance's settings page, as the admin typed it.
type InstanceSettings struct {
	Name        string
	Description string
	Contact     string
	Footer      string
	RemoveLogo  bool
}

// NewInstanceSettings reads the form.
func NewInstanceSettings(v url.Values) *InstanceSettings {
	return &InstanceSettings{
		Name:        value(v, "name", true),
		Description: strings.TrimSpace(value(v, "description", false)),
		Contact:     value(v, "contact", true),
		Footer:      strings.TrimSpace(strings.ReplaceAll(text(v, "footer"), "\r\n", "\n")),
		RemoveLogo:  v.Get("remove_logo") == "on",
	}
}

// FromInstanceSettings fills the form from the stored settings.
func FromInstanceSettings(s *model.InstanceSettings) *InstanceSettings {
	return &InstanceSettings{Name: s.Name, Description: s.Description, Contact: s.Contact, Footer: s.Footer}
}

// Validate checks each field, with the bounds of model.InstanceSettings.
func (f *InstanceSettings) Validate() Errors {
	e := Errors{}
	if utf8.RuneCountInString(f.Name) > model.MaxInstanceNameLen {
		e.add("name", "form.name.long", model.MaxInstanceNameLen)
	}
	checkName(e, "name", f.Name, true)
	if len(f.Description) > model.MaxInstanceDescriptionLen || !utf8.ValidString(f.Description) {
		e.add("description", "form.settings.description.long", model.MaxInstanceDescriptionLen)
	}
	if f.Contact != "" && model.ContactHref(f.Contact) == "" {
		e.add("contact", "form.settings.contact.invalid")
	}
	if len(f.Footer) > model.MaxInstanceFooterLen || !utf8.ValidString(f.Footer) {
		e.add("footer", "form.page.long", model.MaxInstanceFooterLen)
	}
	return e
}

// Apply copies the form onto the settings (the logo aside).
func (f *InstanceSettings) Apply(s *model.InstanceSettings) {
	s.Name, s.Description, s.Contact, s.Footer = f.Name, f.Description, f.Contact, f.Footer
	if f.RemoveLogo {
		s.LogoSHA256 = ""
	}
}
