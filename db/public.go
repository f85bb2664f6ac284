package db

// The rule of what the public may see (model.PublicEvent and
// model.PublicOccurrence), as SQL over events e, calendars c and, for an
// occurrence, event_instances i. Every public query writes one of these;
// TestPublicRuleAgrees checks them against the model for every case.
const (
	// withdrawnCalendarSQL: the calendar c belongs to an association that
	// is archived or being removed (model.Calendar.Withdrawn).
	withdrawnCalendarSQL = "EXISTS (SELECT 1 FROM associations wa WHERE wa.id = c.association_id AND (wa.archived_at != '' OR wa.removing_at != ''))"
	// publicCalendarSQL: the calendar c is public and not withdrawn.
	publicCalendarSQL = "c.public = 1 AND NOT " + withdrawnCalendarSQL
	// publicEventSQL: the event is on a public calendar of an association
	// neither archived nor being removed, approved, and neither PRIVATE
	// nor CONFIDENTIAL.
	publicEventSQL = publicCalendarSQL + " AND e.moderation = 'approved' AND e.class NOT IN ('PRIVATE', 'CONFIDENTIAL')"
	// publicInstanceSQL: the event is public and the occurrence did not
	// make itself private.
	publicInstanceSQL = publicEventSQL + " AND i.class NOT IN ('PRIVATE', 'CONFIDENTIAL')"
)
