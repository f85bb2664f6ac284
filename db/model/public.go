package model

// The rule of what the public may see, in one place: the web agenda and
// its feeds, the event pages and the fediverse all ask it. The store keeps
// the same rule as SQL (db.publicEventSQL and db.publicInstanceSQL), and a
// test checks that the two agree for every combination.

// Classes that keep an event or an occurrence out of everything public.
const (
	ClassPublic       = "PUBLIC"
	ClassPrivate      = "PRIVATE"
	ClassConfidential = "CONFIDENTIAL"
)

// PublicClass reports whether a CLASS value lets the public see what it is
// on: anything but PRIVATE and CONFIDENTIAL (an empty or unknown class is
// public, as RFC 5545 says of a missing CLASS).
func PublicClass(class string) bool {
	return class != ClassPrivate && class != ClassConfidential
}

// PublicEvent reports whether the public may see an event of a calendar at
// all: the calendar is public and its association neither archived nor
// being removed, the event approved and not private.
func PublicEvent(cal *Calendar, e *Event) bool {
	return cal != nil && e != nil && cal.Public && !cal.Withdrawn && e.Moderation == ModerationApproved && PublicClass(e.Class)
}

// PublicOccurrence reports whether the public may see one occurrence of an
// event: the event is public and the occurrence (an override that made
// itself PRIVATE or CONFIDENTIAL) is not private either.
func PublicOccurrence(cal *Calendar, e *Event, in *Instance) bool {
	return PublicEvent(cal, e) && (in == nil || PublicClass(in.Class))
}

// Occurrence returns the event as one of its occurrences shows it: the
// occurrence's status, texts, class and commune over the series' (its
// times are in the Instance; the event keeps the series' first ones). The
// result is a copy without the occurrences; e is not changed.
func Occurrence(e *Event, in *Instance) *Event {
	occ := *e
	occ.Instances = nil
	if in == nil {
		return &occ
	}
	if in.Status != "" {
		occ.Status = in.Status
	}
	if in.Summary != "" {
		occ.Summary = in.Summary
	}
	if in.Description != "" {
		occ.Description = in.Description
	}
	if in.Location != "" && in.Location != e.Location {
		// Somewhere else: the series' place and coordinates do not hold.
		occ.Location = in.Location
		occ.PlaceID, occ.Lat, occ.Lon, occ.HasGeo = 0, 0, 0, false
		occ.CommuneINSEE = in.CommuneINSEE
	}
	if in.Class != "" {
		occ.Class = in.Class
	}
	return &occ
}
