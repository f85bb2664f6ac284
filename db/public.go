package db

// The rule of what the public may see (model.PublicEvent and
// model.PublicOccurrence), as SQL over events e, calendars c and, for an
// occurrence, event_instances i. Every public query writes one of these;
// TestPublicRuleAgrees checks them against the model for every case.
const (
	// publicEventSQL: the event is on a public calendar, approved, and
	// neither PRIVATE nor CONFIDENTIAL.
	publicEventSQL = "c.public = 1 AND e.moderation = 'approved' AND e.class NOT IN ('PRIVATE', 'CONFIDENTIAL')"
	// publicInstanceSQL: the event is public and the occurrence did not
	// make itself private.
	publicInstanceSQL = publicEventSQL + " AND i.class NOT IN ('PRIVATE', 'CONFIDENTIAL')"
)
