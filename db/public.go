package db

// The rule of what the public may see (model.PublicEvent and
// model.PublicOccurrence), as SQL over events e, calendars c and, for an
// occurrence, event_instances i. Every public query writes one of these;
// TestPublicRuleAgrees checks them against the model for every case.
const (
	// withdrawnCalendarSQL: the calendar c belongs to an association that
	// is archived or being removed (model.Calendar.Withdrawn).
	// The list of withdrawn associations is computed once per statement
	// (an uncorrelated subquery, nearly always empty), not looked up for
	// each row: the agenda's queries go through many rows.
	withdrawnCalendarSQL = "ifnull(c.association_id, 0) IN (SELECT wa.id FROM associations wa WHERE wa.archived_at != '' OR wa.removing_at != '')"
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
