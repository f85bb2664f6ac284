package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Days are the days of a calendar grid, as two lists of n+1 bounds: the
// instants the days start at in the zone shown (for timed occurrences),
// and the same midnights read as UTC (for all-day and floating ones,
// whose times are wall clock read as UTC). An occurrence belongs to the
// day its start falls in; one that started before the first day, to the
// first.
type Days struct {
	Timed []time.Time
	Wall  []time.Time
}

// MaxDays bounds the days of one ListInstancesByDay.
const MaxDays = 62

// ListInstancesByDay returns, for each day, its first perDay occurrences
// (in start order) that overlap the days and match q's filters (q.From,
// q.To, q.After and q.Limit are ignored), and how many there are in all:
// a month grid shows a few and says how many more, whatever the number.
// rows come in start order, day[i] being the day of rows[i].
func (s *Store) ListInstancesByDay(ctx context.Context, q InstanceQuery, d Days, perDay int) (rows []InstanceRow, day []int, counts []int, err error) {
	n := len(d.Timed) - 1
	if n < 1 || n > MaxDays || len(d.Wall) != n+1 {
		return nil, nil, nil, &model.ValidationError{Field: "days", Msg: fmt.Sprintf("between 1 and %d days", MaxDays)}
	}
	if perDay < 1 || perDay > MaxInstancePage/n {
		return nil, nil, nil, &model.ValidationError{Field: "per_day", Msg: "out of range"}
	}
	longest, err := s.longestInstance(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	from, to := d.Timed[0], d.Timed[n]
	if d.Wall[0].Before(from) {
		from = d.Wall[0]
	}
	if d.Wall[n].After(to) {
		to = d.Wall[n]
	}
	var sb strings.Builder
	args := make([]any, 0, 4*n+16)
	// The day of each matching occurrence, by its start against the
	// bounds; the window numbers the occurrences of each day and counts
	// them, over the keys only; the full rows are read for those shown.
	dayOf := func(bounds []time.Time) {
		sb.WriteString("CASE")
		for k := 1; k < n; k++ {
			sb.WriteString(" WHEN i.start_utc < ? THEN ")
			sb.WriteString(fmt.Sprint(k - 1))
			args = append(args, fmtTime(bounds[k]))
		}
		sb.WriteString(" ELSE " + fmt.Sprint(n-1) + " END")
	}
	wall := "(e.all_day OR e.floating)"
	sb.WriteString("WITH m AS (SELECT i.start_utc AS s, i.event_id AS id, i.recurrence_id AS rid, CASE WHEN " + wall + " THEN ")
	dayOf(d.Wall)
	sb.WriteString(" ELSE ")
	dayOf(d.Timed)
	sb.WriteString(` END AS d
		FROM event_instances i
		JOIN events e ON e.id = i.event_id
		JOIN calendars c ON c.id = e.calendar_id
		WHERE i.start_utc >= ? AND i.start_utc < ?
		AND i.start_utc < CASE WHEN ` + wall + ` THEN ? ELSE ? END
		AND (i.end_utc > CASE WHEN ` + wall + ` THEN ? ELSE ? END
			OR (i.end_utc = i.start_utc AND i.start_utc >= CASE WHEN ` + wall + ` THEN ? ELSE ? END))`)
	args = append(args, fmtTime(from.Add(-longest)), fmtTime(to), fmtTime(d.Wall[n]), fmtTime(d.Timed[n]),
		fmtTime(d.Wall[0]), fmtTime(d.Timed[0]), fmtTime(d.Wall[0]), fmtTime(d.Timed[0]))
	if err := s.writeInstanceFilters(ctx, &sb, &args, q); err != nil {
		return nil, nil, nil, err
	}
	sb.WriteString(`),
		k AS (SELECT s, id, rid, d, row_number() OVER (PARTITION BY d ORDER BY s, id) AS rn,
			count(*) OVER (PARTITION BY d) AS total FROM m)
		SELECT k.d, k.total, ` + instanceCols + ", " + eventCols + `NULL, ifnull(a.id, 0), ifnull(a.slug, ''), ifnull(a.name, '')
		FROM k JOIN event_instances i ON i.start_utc = k.s AND i.event_id = k.id AND i.recurrence_id = k.rid
		JOIN events e ON e.id = i.event_id
		JOIN calendars c ON c.id = e.calendar_id
		LEFT JOIN associations a ON a.id = c.association_id
		WHERE k.rn <= ?
		ORDER BY i.start_utc, i.event_id`)
	args = append(args, perDay)
	res, err := s.r.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("db: list instances by day: %w", err)
	}
	defer res.Close()
	counts = make([]int, n)
	for res.Next() {
		var r InstanceRow
		var sc instanceScan
		var dd, total int
		before := append([]any{&dd, &total}, sc.dest(&r.Instance)...)
		ev, err := scanEventAfter(res, before, &r.AssociationID, &r.AssociationSlug, &r.AssociationName)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("db: list instances by day: %w", err)
		}
		sc.finish(&r.Instance, ev.ID)
		r.Event = ev
		if r.Instance.Override {
			r.Event = model.Occurrence(ev, &r.Instance)
		}
		if dd >= 0 && dd < n {
			counts[dd] = total
		}
		rows = append(rows, r)
		day = append(day, dd)
	}
	return rows, day, counts, res.Err()
}
