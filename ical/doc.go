// Package ical turns iCalendar text (RFC 5545) into Bastide's model and back.
//
// It is the only place where calendar data from outside is read: CalDAV PUT
// bodies, imported files, remote feeds. Everything it reads is bounded before
// it is parsed (see Limits): size, line length, component nesting and count,
// and the work spent expanding recurrences. Every intake failure is an *Error
// whose Kind maps to an RFC 4791 precondition.
//
// The package imports only db/model, go-ical, rrule-go and the standard
// library: no database, no network.
//
// Times follow one convention: instants are in UTC; all-day (DATE) and
// floating values keep their wall-clock reading and are stored as if it were
// UTC, with model.Event.AllDay / Floating set.
package ical
