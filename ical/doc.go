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
//
// # Why the codec is hardened here
//
// go-ical (github.com/emersion/go-ical) gives the types this package works
// on (Calendar, Component, Prop), but its Decoder is not fit for text from
// strangers, and neither is expanding a rule with rrule-go unbounded (its
// Encoder is not used either: it refuses objects without DTSTAMP, which
// apps often omit; see Encode):
//
//   - Decoder reads from an io.Reader with no bound on the whole body, and
//     Decoder.readLine and readContinuedLine grow one unfolded line without
//     a limit.
//   - decodeComponentBody calls itself once per BEGIN, with no depth bound:
//     a body deep enough overflows the goroutine stack, a fatal error that
//     recover cannot catch. Nothing bounds the number of components either.
//   - lineDecoder.decodeParam panics on a character it does not expect
//     after a parameter value (and peek panics on a line that ends there),
//     and decodeParamValue builds a value one byte at a time with +=, which
//     is quadratic in its length.
//   - Component.RecurrenceSet hands back a rrule-go set with no bound on
//     the occurrences or the candidate times a query may examine; a sparse
//     FREQ=SECONDLY rule can keep it busy for a very long time.
//
// So Decode reads the text itself, with an explicit stack, checking
// MaxBytes, MaxLineLen, MaxDepth and MaxComponents as it goes, refusing bad
// UTF-8 and control characters, and never panics (a recover turns any
// panic left into an *Error); it builds go-ical's tree, which the rest of
// the package reads and Encode writes back. Expansion (recur.go) counts occurrences and
// candidate times (MaxInstances, MaxSteps, MaxWork, ruleCost) and checks
// the request's context. Anything the bounds refuse is an *Error whose Kind
// names the precondition:
//
//   - KindInvalidData (CALDAV:valid-calendar-data): no UID, no DTSTART,
//     DTEND before DTSTART, a bad date, an unknown TZID, a bad or
//     impossible RRULE, bad UTF-8, control characters, lines over 256 KiB,
//     nesting over 8;
//   - KindInvalidObject (CALDAV:valid-calendar-object-resource): several
//     UIDs, VEVENT mixed with VTODO, METHOD, two components for one
//     RECURRENCE-ID;
//   - KindUnsupportedComponent (CALDAV:supported-calendar-component):
//     VJOURNAL, VFREEBUSY;
//   - KindTooLarge (CALDAV:max-resource-size): a body over 1 MiB, more
//     than 2000 components;
//   - KindTooManyInstances (CALDAV:max-instances): an ExpandRange that hit
//     a bound (it also returns what it found), or a rule too sparse to
//     find one occurrence within MaxWork.
//
// # Recurrence bounds
//
// An event is not refused for having many occurrences. The rule is stored
// as written and served whole to calendar apps; only the occurrences stored
// for the agenda and for time-range queries are bounded, and a query
// outside the stored window expands the rule again under the same bounds.
// The bounds (DefaultLimits):
//
//   - MaxBytes, 1 MiB: refused (KindTooLarge) before parsing;
//   - MaxLineLen, 256 KiB unfolded: refused;
//   - MaxDepth, 8 nested components: refused, checked while reading;
//   - MaxComponents, 2000 (imports pass more): refused;
//   - MaxInstances, 5000 occurrences per expansion: capped, never refused;
//   - MaxSteps, 200 000 occurrences generated per expansion, those before
//     the range included: capped, never refused;
//   - MaxWork, 2 000 000 candidate times examined per expansion, those
//     that match nothing included (a day checked, or a step of INTERVAL for
//     HOURLY, MINUTELY and SECONDLY rules): capped; a rule that may need
//     more than this for one occurrence is refused (KindTooManyInstances);
//   - Horizon, 730 days after now: how far open-ended rules are stored.
//
// What Object.Event stores:
//
//   - A rule with COUNT=10000000 or UNTIL=70000101 is stored as written;
//     only its expansion is capped (by MaxWork too, for sparse rules).
//   - Instances are expanded from DTSTART up to now + Horizon for rules
//     without COUNT or UNTIL, and to their end for finite ones, keeping at
//     most MaxInstances. When there are more, past occurrences are dropped
//     first (a daily event started in 2000 keeps its last days and the next
//     two years), then expansion stops.
//   - InstancesCapped is true whenever some occurrence is not stored. For a
//     capped event, time-range queries and expand outside the stored
//     window use Object.ExpandRange, which works on any range, past
//     included, under the same bounds.
//   - Every override (RECURRENCE-ID) is stored with Override set, even one
//     whose RECURRENCE-ID matches no occurrence (it still happens). An
//     override of another kind than its series (a timed occurrence of an
//     all-day or floating series, or the reverse) keeps its own times and
//     is marked OtherKind.
//   - A cancelled override (STATUS:CANCELLED) is kept as an instance with
//     Status "CANCELLED": feeds and pages can show it struck through;
//     free-busy and "what's on" lists filter it out.
//   - RANGE=THISANDFUTURE overrides shift the later occurrences by the same
//     offset and give them their length and status.
//
// # Recurrence semantics
//
//   - RRULE is expanded in the zone of DTSTART, so a weekly 18:00
//     Europe/Paris event stays at 18:00 local across DST changes; DTSTART
//     is always the first occurrence, even when it does not match the rule.
//   - UNTIL in UTC is an instant; a local UNTIL is read in DTSTART's zone;
//     a DATE UNTIL on a date-time event includes that whole day.
//   - RDATE takes DATE, DATE-TIME and PERIOD values (a PERIOD gives its own
//     length), comma lists and several properties; EXDATE takes comma lists
//     and several properties, and an EXDATE DATE on a date-time event
//     removes the occurrences of that day.
//   - All-day events without DTEND last one day; date-time events without
//     DTEND last zero seconds; DURATION days follow the wall clock (P1D
//     across a DST change is 23 or 25 hours), DTEND is an exact length for
//     every occurrence.
//   - Time ranges follow RFC 4791 §9.9: an occurrence overlaps [from, to)
//     if it starts before to and ends after from; a zero-length one if
//     from <= start < to. All-day and floating times are compared as wall
//     clock read as UTC by ExpandRange, and in the calendar's zone by
//     ExpandIn (CalDAV), each occurrence by its own kind.
//   - TZID resolution (ResolveTZID): IANA names, IANA names at the end of
//     vendor paths (/citadel.org/…/Europe/Paris), Windows names (Romance
//     Standard Time), then the VTIMEZONE of the object (compiled into a
//     zone that follows its observances). An unresolvable TZID is refused,
//     never guessed. X-WR-TIMEZONE is ignored (RFC 5545 semantics).
//   - Rules that can never occur are refused: BYMONTH=2;BYMONTHDAY=30, a
//     BYSETPOS past the candidates of one period
//     (FREQ=MINUTELY;BYDAY=2TU;BYSETPOS=2), or an HOURLY, MINUTELY or
//     SECONDLY INTERVAL that never reaches the BYHOUR, BYMINUTE or BYSECOND
//     given, on which rrule-go would loop for ever. A rule that occurs very
//     rarely still costs rrule-go up to one pass to the year 9999 (well
//     under a second).
//
// The expansion is checked against an independent implementation, Python's
// recurring_ical_events, on the sample files and on 400 generated rules
// (integration tier, go test -tags integration; Debian
// python3-recurring-ical-events and python3-icalendar).
package ical
