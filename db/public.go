package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

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

// The public flag of an occurrence (event_instances.public) is that rule,
// stored: a month grid counts ten thousand occurrences, and looking up
// each one's event and calendar to apply the rule cost 50 ms. The flag is
// only ever computed by refreshFlagsSQL, from publicInstanceSQL, and kept
// right by the store:
//
//   - occurrences written by any road (insertInstances) get it at once;
//   - the other inputs of the rule (an event's moderation, class or
//     calendar, an occurrence's class, a calendar's visibility or
//     association, an association's archive or removal) are watched by
//     triggers (flagTriggers), whatever code changes them;
//   - occurrences stored before the flag existed get it at the first
//     start (MetaPublicRefresh).
//
// TestPublicFlagFollowsEveryRoad walks those roads. wall, the event's
// times being wall clock (all-day or floating), is stored beside it: it
// only changes with a new text, which writes the occurrences again.

// MetaPublicRefresh is the meta key that asks Open to compute the flags
// of every occurrence (set by migration 0020).
const MetaPublicRefresh = "public_refresh"

// refreshFlagsSQL recomputes the flags of the occurrences that the
// condition appended to it selects (over event_instances, unaliased: a
// trigger's UPDATE may not alias its table).
const refreshFlagsSQL = `UPDATE event_instances SET
	public = EXISTS (SELECT 1 FROM event_instances i JOIN events e ON e.id = i.event_id JOIN calendars c ON c.id = e.calendar_id
		WHERE i.start_utc = event_instances.start_utc AND i.event_id = event_instances.event_id
		AND i.recurrence_id = event_instances.recurrence_id AND ` + publicInstanceSQL + `),
	wall = ifnull((SELECT e.all_day OR e.floating FROM events e WHERE e.id = event_instances.event_id), 0)
	WHERE `

// flagTriggers keep the flags right when an input of the rule other than
// the occurrences themselves changes. They are written again at every
// start, so that they always carry the rule of this binary.
var flagTriggers = []struct{ name, on, when, which string }{
	{"event_instances_public_event", "UPDATE OF moderation, class, calendar_id ON events",
		"OLD.moderation IS NOT NEW.moderation OR OLD.class IS NOT NEW.class OR OLD.calendar_id IS NOT NEW.calendar_id",
		"event_id = NEW.id"},
	{"event_instances_public_occurrence", "UPDATE OF class ON event_instances",
		"OLD.class IS NOT NEW.class",
		"start_utc = NEW.start_utc AND event_id = NEW.event_id AND recurrence_id = NEW.recurrence_id"},
	{"event_instances_public_calendar", "UPDATE OF public, association_id ON calendars",
		"OLD.public IS NOT NEW.public OR OLD.association_id IS NOT NEW.association_id",
		"event_id IN (SELECT id FROM events WHERE calendar_id = NEW.id)"},
	{"event_instances_public_association", "UPDATE OF archived_at, removing_at ON associations",
		"OLD.archived_at IS NOT NEW.archived_at OR OLD.removing_at IS NOT NEW.removing_at",
		"event_id IN (SELECT e.id FROM events e JOIN calendars c ON c.id = e.calendar_id WHERE c.association_id = NEW.id)"},
}

// keepFlags writes the triggers of the public flag (again) and, once after
// migration 0020, computes the flag of every stored occurrence.
func keepFlags(ctx context.Context, w *sql.DB) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: public flags: %w", err)
	}
	defer tx.Rollback()
	for _, t := range flagTriggers {
		stmts := []string{"DROP TRIGGER IF EXISTS " + t.name,
			"CREATE TRIGGER " + t.name + " AFTER " + t.on + " WHEN " + t.when +
				" BEGIN " + refreshFlagsSQL + t.which + "; END"}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("db: public flags: trigger %s: %w", t.name, err)
			}
		}
	}
	var v string
	switch err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = +?`, MetaPublicRefresh).Scan(&v); {
	case err == nil:
		if _, err := tx.ExecContext(ctx, refreshFlagsSQL+"1"); err != nil {
			return fmt.Errorf("db: public flags: refresh: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = +?`, MetaPublicRefresh); err != nil {
			return fmt.Errorf("db: public flags: refresh: %w", err)
		}
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("db: public flags: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: public flags: %w", err)
	}
	return nil
}

// refreshEventFlags computes the flags of the occurrences of the events,
// after they were written.
func refreshEventFlags(ctx context.Context, tx *txq, ids []int64) error {
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		if _, err := tx.ExecContext(ctx, refreshFlagsSQL+"event_id IN ("+placeholders(len(chunk))+")", int64s(chunk)...); err != nil {
			return fmt.Errorf("db: public flags: %w", err)
		}
	}
	return nil
}
