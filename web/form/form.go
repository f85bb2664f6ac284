// Package form reads the back office's forms: one type per form, built
// from the request values, with a Validate that returns errors per field.
// The errors are message keys of web's catalogue, so that each page shows
// them in its language, next to the field.
package form

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Msg is an error next to a field: a catalogue key and its arguments.
type Msg struct {
	Key  string
	Args []any
}

// Errors maps a field name to its error; empty when the form is valid.
type Errors map[string]Msg

func (e Errors) add(field, key string, args ...any) {
	if _, ok := e[field]; !ok {
		e[field] = Msg{Key: key, Args: args}
	}
}

// value reads one field, trimmed, cut at max bytes on a rune boundary (the
// handler re-shows what was typed; a value that long is refused anyway).
func value(v url.Values, name string, trim bool) string {
	s := v.Get(name)
	if trim {
		s = strings.TrimSpace(s)
	}
	if len(s) > 4*model.MaxNameLen {
		s = s[:4*model.MaxNameLen]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

func checkNewPassword(e Errors, password, confirm string) {
	switch {
	case password == "":
		e.add("password", "form.password.required")
	case len(password) < db.MinPasswordLen:
		e.add("password", "form.password.short", db.MinPasswordLen)
	case len(password) > db.MaxPasswordLen:
		e.add("password", "form.password.long", db.MaxPasswordLen)
	case password != confirm:
		e.add("confirm", "form.password.mismatch")
	}
}
