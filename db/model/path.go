package model

// The public paths of events and associations, built here and nowhere
// else: they are also the ActivityPub ids of the Event and Group objects
// (the base URL in front), which must never change once published. web
// links to them and federation serves and names them; neither imports
// the other, so both build them from this leaf package.
const (
	// EventPathPrefix starts the path of every event page and object.
	EventPathPrefix = "/events/"
	// AssociationPathPrefix starts the path of every association page
	// and Group actor.
	AssociationPathPrefix = "/@"
)

// EventPath is the path of an event (or of one published occurrence):
// /events/{uuid}.
func EventPath(uuid string) string { return EventPathPrefix + uuid }

// EventICSPath is the path of an event's public iCalendar file.
func EventICSPath(uuid string) string { return EventPath(uuid) + ".ics" }

// AssociationPath is the path of an association: /@{slug}.
func AssociationPath(slug string) string { return AssociationPathPrefix + slug }
