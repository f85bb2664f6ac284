package ical

import "fmt"

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
// (for example "DTEND", "VEVENT", "line 12"), for programs.
type Error struct {
	Kind  Kind
	Field string
	Msg   string
}

// Error returns "ical: " followed by the message.
func (e *Error) Error() string {
	return "ical: " + e.Msg
}

func errorf(kind Kind, field, format string, args ...any) *Error {
	return &Error{Kind: kind, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func invalidf(field, format string, args ...any) *Error {
	return errorf(KindInvalidData, field, format, args...)
}
