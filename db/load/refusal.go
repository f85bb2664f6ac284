package load

import (
	"errors"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// Refusal is an object that was not stored, and why: Code names the
// reason in no language (the back office translates it, the command line
// prints its English), Args fill its message, and Detail is the technical
// text of the error, in English, for whoever wants more.
type Refusal struct {
	UID    string
	Code   ical.Code
	Args   []string
	Detail string
}

// The codes of the store's refusals; ical.Codes lists the others.
const (
	// CodeUIDTaken: another object of the calendar has the UID.
	CodeUIDTaken ical.Code = "uid_taken"
	// CodeConflict: another object holds the place (href) of this one.
	CodeConflict ical.Code = "conflict"
	// CodeComponentRefused: the calendar does not take this component
	// (Args: VEVENT or VTODO).
	CodeComponentRefused ical.Code = "component_refused"
	// CodeTooLong: a text is longer than the store keeps (Args: the
	// property, SUMMARY, DESCRIPTION or LOCATION).
	CodeTooLong ical.Code = "too_long"
	// CodeOther: any other failure of one object's write.
	CodeOther ical.Code = "other"
)

// Codes lists every code a Refusal may carry.
func Codes() []ical.Code {
	return append(append([]ical.Code(nil), ical.Codes...), CodeUIDTaken, CodeConflict, CodeComponentRefused, CodeTooLong, CodeOther)
}

// NamesField tells whether a code's message takes one argument, the
// property or component at fault (Refusal.Args).
func NamesField(c ical.Code) bool {
	switch c {
	case ical.CodeUnsupportedComponent, ical.CodeWrongEnd, ical.CodeBadDate, ical.CodeRepeated, ical.CodeBadValue,
		CodeComponentRefused, CodeTooLong:
		return true
	}
	return false
}

// refuse says why the object uid (of the component comp, when known)
// was not stored.
func refuse(uid, comp string, err error) Refusal {
	r := Refusal{UID: uid, Detail: Reason(err), Code: CodeOther}
	var field string
	var ie *ical.Error
	var uc *db.UIDConflictError
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ie):
		r.Code, field = ie.Code, ie.Field
	case errors.As(err, &uc):
		r.Code = CodeUIDTaken
	case errors.As(err, &ve):
		r.Code, field = validationCode(ve, comp)
	case errors.Is(err, db.ErrConflict):
		r.Code = CodeConflict
	}
	if NamesField(r.Code) {
		r.Args = []string{field}
	}
	return r
}

// validationCode is the code of a refusal of model.Event.Validate, and
// the property it names.
func validationCode(ve *model.ValidationError, comp string) (ical.Code, string) {
	switch ve.Field {
	case "component":
		return CodeComponentRefused, comp
	case "data":
		return ical.CodeTooLarge, ""
	case "summary", "description", "location":
		if strings.Contains(ve.Msg, "too long") {
			return CodeTooLong, strings.ToUpper(ve.Field)
		}
		return ical.CodeBadValue, strings.ToUpper(ve.Field)
	case "categories", "status", "geo":
		return ical.CodeBadValue, strings.ToUpper(ve.Field)
	case "uid", "href":
		return ical.CodeBadUID, ""
	case "dtstart":
		return ical.CodeNoStart, ""
	case "dtend", "instances":
		return ical.CodeEndBeforeStart, ""
	}
	return CodeOther, ""
}
