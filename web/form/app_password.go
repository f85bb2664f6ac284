package form

import (
	"net/url"
	"unicode/utf8"

	"github.com/bastide47/bastide/db/model"
)

// AppPassword names a new app password (the device it is for).
type AppPassword struct {
	Name string
}

// NewAppPassword reads the form.
func NewAppPassword(v url.Values) *AppPassword {
	return &AppPassword{Name: value(v, "name", true)}
}

// Validate checks the name.
func (f *AppPassword) Validate() Errors {
	e := Errors{}
	checkName(e, "name", f.Name, true)
	return e
}

func checkName(e Errors, field, s string, required bool) {
	switch {
	case s == "" && required:
		e.add(field, "form.name.required")
	case utf8.RuneCountInString(s) > model.MaxNameLen || !utf8.ValidString(s):
		e.add(field, "form.name.long", model.MaxNameLen)
	default:
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				e.add(field, "form.name.control")
				return
			}
		}
	}
}
