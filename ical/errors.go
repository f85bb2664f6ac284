package ical

import (
	"fmt"
	"strings"
)

// Kind classifies an intake failure so that the CalDAV layer can answer with
// the matching RFC 4791 precondition.
type Kind int

// The kinds of intake failure.
const (
	// KindInvalidData: the text is not valid iCalendar, or a value is wrong
	// (CALDAV:valid-calendar-data).
	KindInvalidData Kind = iota
	// KindInvalidObject: valid iCalendar that breaks the rules of a calendar
	// object resource of RFC 4791 §4.1: several UIDs, mixed component types,
	// METHOD, duplicate RECURRENCE-ID (CALDAV:valid-calendar-object-resource).
	KindInvalidObject
	// KindUnsupportedComponent: VJOURNAL, VFREEBUSY and other components that
	// Bastide does not store (CALDAV:supported-calendar-component).
	KindUnsupportedComponent
	// KindTooLarge: the body is larger than Limits.MaxBytes
	// (CALDAV:max-resource-size).
	KindTooLarge
	// KindTooManyInstances: an expansion stopped at Limits.MaxInstances or
	// Limits.MaxSteps (CALDAV:max-instances for PUT; for a REPORT, the
	// CalDAV layer answers 403 with that element or truncates). Functions
	// that return it also return the instances found so far.
	KindTooManyInstances
)

// String names the kind after its CalDAV precondition.
func (k Kind) String() string {
	switch k {
	case KindInvalidData:
		return "valid-calendar-data"
	case KindInvalidObject:
		return "valid-calendar-object-resource"
	case KindUnsupportedComponent:
		return "supported-calendar-component"
	case KindTooLarge:
		return "max-resource-size"
	case KindTooManyInstances:
		return "max-instances"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is every intake failure of this package. Msg is written for a person
// and names the property or component at fault; Field is that name alone
// (for example "DTEND", "VEVENT", "line 12"), for programs; Code names the
// reason in no language, for the pages that translate it (an import's
// report).
type Error struct {
	Kind  Kind
	Field string
	Msg   string
	Code  Code
}

// Code names why an object was refused, in words of no language: the
// back office's catalogue translates each one (with Field, for the codes
// that name a property or component), and Msg stays as the technical
// detail.
type Code string

// The codes of the refusals of this package.
const (
	// CodeSyntax: the text is not well-formed iCalendar.
	CodeSyntax Code = "syntax"
	// CodeTooLarge: the object or the file is larger than the limits.
	CodeTooLarge Code = "too_large"
	// CodeUnsupportedComponent: a VJOURNAL, VFREEBUSY… (Field names it).
	CodeUnsupportedComponent Code = "unsupported_component"
	// CodeInvalidObject: valid iCalendar that is not one calendar object.
	CodeInvalidObject Code = "invalid_object"
	// CodeDuplicateUID: two components of the same UID, neither an
	// override (RECURRENCE-ID).
	CodeDuplicateUID Code = "duplicate_uid"
	// CodeDuplicateOverride: two overrides of the same occurrence.
	CodeDuplicateOverride Code = "duplicate_override"
	// CodeNoUID: a component without a UID.
	CodeNoUID Code = "no_uid"
	// CodeBadUID: a UID too long, or given several times.
	CodeBadUID Code = "bad_uid"
	// CodeNoStart: an event (or a recurrence, or a DURATION) without DTSTART.
	CodeNoStart Code = "no_start"
	// CodeEndBeforeStart: the end, or a duration, goes back in time.
	CodeEndBeforeStart Code = "end_before_start"
	// CodeEndAndDuration: both an end and a DURATION.
	CodeEndAndDuration Code = "end_and_duration"
	// CodeWrongEnd: DTEND in a task, or DUE in an event (Field names it).
	CodeWrongEnd Code = "wrong_end"
	// CodeDateKinds: a start on a date and an end at a time, or the reverse.
	CodeDateKinds Code = "date_kinds"
	// CodeBadDate: a date or time that cannot be read (Field names the
	// property).
	CodeBadDate Code = "bad_date"
	// CodeBadDuration: a DURATION that cannot be read.
	CodeBadDuration Code = "bad_duration"
	// CodeBadTimezone: an unknown time zone, or a broken VTIMEZONE.
	CodeBadTimezone Code = "bad_timezone"
	// CodeBadRecurrence: a repetition rule (RRULE, RDATE) that cannot be
	// read or never occurs.
	CodeBadRecurrence Code = "bad_recurrence"
	// CodeTooManyOccurrences: a repetition that is too costly to expand
	// (a hostile or mistaken rule).
	CodeTooManyOccurrences Code = "too_many_occurrences"
	// CodeRepeated: a property that may appear once appears more often
	// (Field names it).
	CodeRepeated Code = "repeated"
	// CodeBadValue: another property's value is wrong (Field names it).
	CodeBadValue Code = "bad_value"
)

// Codes lists every code an Error may carry.
var Codes = []Code{CodeSyntax, CodeTooLarge, CodeUnsupportedComponent, CodeInvalidObject, CodeDuplicateUID,
	CodeDuplicateOverride, CodeNoUID, CodeBadUID, CodeNoStart, CodeEndBeforeStart, CodeEndAndDuration, CodeWrongEnd,
	CodeDateKinds, CodeBadDate, CodeBadDuration, CodeBadTimezone, CodeBadRecurrence, CodeTooManyOccurrences,
	CodeRepeated, CodeBadValue}

// codeOf is the code of an error of kind and field unless its maker says
// a more precise one (Error.as).
func codeOf(kind Kind, field string) Code {
	switch kind {
	case KindUnsupportedComponent:
		return CodeUnsupportedComponent
	case KindTooLarge:
		return CodeTooLarge
	case KindTooManyInstances:
		return CodeTooManyOccurrences
	case KindInvalidObject:
		if field == "RECURRENCE-ID" {
			return CodeDuplicateOverride
		}
		return CodeInvalidObject
	}
	switch field {
	case "UID":
		return CodeBadUID
	case "DTSTART", "DTEND", "DUE", "RDATE", "EXDATE", "RECURRENCE-ID":
		return CodeBadDate
	case "DURATION":
		return CodeBadDuration
	case "RRULE":
		return CodeBadRecurrence
	case "TZID", "VTIMEZONE":
		return CodeBadTimezone
	case "":
		return CodeSyntax
	}
	if strings.HasPrefix(field, "line ") || strings.HasPrefix(field, "V") && strings.ToUpper(field) == field {
		// A line of the text, or a component (VCALENDAR, VEVENT…).
		return CodeSyntax
	}
	return CodeBadValue
}

// as gives the error a more precise code than its kind and field say.
func (e *Error) as(c Code) *Error {
	e.Code = c
	return e
}

// Error returns "ical: " followed by the message.
func (e *Error) Error() string {
	return "ical: " + e.Msg
}

func errorf(kind Kind, field, format string, args ...any) *Error {
	return &Error{Kind: kind, Field: field, Msg: fmt.Sprintf(format, args...), Code: codeOf(kind, field)}
}

// syntaxf is an error of the text's form, whatever its field.
func syntaxf(field, format string, args ...any) *Error {
	return invalidf(field, format, args...).as(CodeSyntax)
}

func invalidf(field, format string, args ...any) *Error {
	return errorf(KindInvalidData, field, format, args...)
}
