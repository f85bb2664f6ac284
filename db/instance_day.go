package db

import (
	"context"
	"fmt"
	"sort"
	"strconv"
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
// rows come in start order, day[i] being the day of rows[i]. Counting
// and picking are two queries: numbering every occurrence of a month in
// one window query cost twice as much.
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
	// The filters, written once (they may ask the store which filter is
	// narrow) and repeated in each query below.
	var fb strings.Builder
	var fargs []any
	if err := s.writeInstanceFilters(ctx, &fb, &fargs, q); err != nil {
		return nil, nil, nil, err
	}
	filters := fb.String()
	wall := "i.wall" // the event's all_day OR floating, stored with its occurrences
	// overlap keeps the occurrences that overlap the days: those of each
	// kind that end after its first bound and start before its last.
	overlap := ` AND i.start_utc < CASE WHEN ` + wall + ` THEN ? ELSE ? END
		AND (i.end_utc > CASE WHEN ` + wall + ` THEN ? ELSE ? END
			OR (i.end_utc = i.start_utc AND i.start_utc >= CASE WHEN ` + wall + ` THEN ? ELSE ? END))`
	overlapArgs := []any{fmtTime(d.Wall[n]), fmtTime(d.Timed[n]), fmtTime(d.Wall[0]), fmtTime(d.Timed[0]), fmtTime(d.Wall[0]), fmtTime(d.Timed[0])}
	lower := from.Add(-longest)

	// How many each day has: its day is where the start falls among the
	// bounds of its kind; one that started before the first day counts
	// for the first. SQLite counts by hour of start (by minute if a bound
	// is not on the hour) and kind, and the hours are put in their days
	// here: deciding the day of each of ten thousand occurrences in SQL, a
	// CASE of thirty comparisons, cost three times the count.
	bucket, layout := 13, "2006-01-02T15"
	for _, b := range append(append([]time.Time{}, d.Timed...), d.Wall...) {
		if !b.Truncate(time.Hour).Equal(b) {
			bucket, layout = 16, "2006-01-02T15:04"
		}
	}
	var sb strings.Builder
	args := make([]any, 0, len(fargs)+8)
	// The count reads the occurrences alone (the public rule and the kind
	// of times are stored on them) unless a filter is on the event.
	join := ""
	if filtersReadEvents(q) {
		join = " JOIN events e ON e.id = i.event_id JOIN calendars c ON c.id = e.calendar_id"
	}
	sb.WriteString(`SELECT substr(i.start_utc, 1, ` + strconv.Itoa(bucket) + `) AS h, ` + wall + ` AS w, count(*)
		FROM event_instances i` + join + `
		WHERE i.start_utc >= ? AND i.start_utc < ?` + overlap + filters + " GROUP BY h, w")
	args = append(append(append(args, fmtTime(lower), fmtTime(to)), overlapArgs...), fargs...)
	counts = make([]int, n)
	crows, err := s.r.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("db: count instances by day: %w", err)
	}
	for crows.Next() {
		var h string
		var w bool
		var c int
		if err := crows.Scan(&h, &w, &c); err != nil {
			crows.Close()
			return nil, nil, nil, fmt.Errorf("db: count instances by day: %w", err)
		}
		at, err := time.Parse(layout, h)
		if err != nil {
			crows.Close()
			return nil, nil, nil, fmt.Errorf("db: count instances by day: %w", err)
		}
		bounds := d.Timed
		if w {
			bounds = d.Wall
		}
		// The last day that starts at or before the hour.
		k := sort.Search(n, func(k int) bool { return bounds[k+1].After(at) })
		if k < n {
			counts[k] += c
		}
	}
	if err := crows.Err(); err != nil {
		crows.Close()
		return nil, nil, nil, fmt.Errorf("db: count instances by day: %w", err)
	}
	crows.Close()

	// The first perDay of each day that has any: one walk of the start
	// index a day, stopping at perDay.
	sb.Reset()
	args = args[:0]
	parts := 0
	for k := 0; k < n; k++ {
		if counts[k] == 0 {
			continue
		}
		if parts > 0 {
			sb.WriteString(" UNION ALL ")
		}
		parts++
		lo, hi := d.Timed[k], d.Timed[k+1]
		if d.Wall[k].Before(lo) {
			lo = d.Wall[k]
		}
		if d.Wall[k+1].After(hi) {
			hi = d.Wall[k+1]
		}
		if k == 0 {
			lo = lower
		}
		sb.WriteString("SELECT * FROM (SELECT " + strconv.Itoa(k) + ", " + instanceCols + ", " + eventCols +
			`NULL, ifnull(a.id, 0), ifnull(a.slug, ''), ifnull(a.name, '')
			FROM event_instances i
			JOIN events e ON e.id = i.event_id
			JOIN calendars c ON c.id = e.calendar_id
			LEFT JOIN associations a ON a.id = c.association_id
			WHERE i.start_utc >= ? AND i.start_utc < ?
			AND i.start_utc < CASE WHEN ` + wall + ` THEN ? ELSE ? END`)
		args = append(args, fmtTime(lo), fmtTime(hi), fmtTime(d.Wall[k+1]), fmtTime(d.Timed[k+1]))
		if k > 0 {
			sb.WriteString(" AND i.start_utc >= CASE WHEN " + wall + " THEN ? ELSE ? END")
			args = append(args, fmtTime(d.Wall[k]), fmtTime(d.Timed[k]))
		}
		sb.WriteString(overlap + filters + " ORDER BY i.start_utc, i.event_id LIMIT " + strconv.Itoa(perDay) + ")")
		args = append(append(args, overlapArgs...), fargs...)
	}
	if parts == 0 {
		return nil, nil, counts, nil
	}
	sb.WriteString(" ORDER BY 2, 13") // start, then the event's id
	res, err := s.r.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("db: list instances by day: %w", err)
	}
	defer res.Close()
	for res.Next() {
		var r InstanceRow
		var sc instanceScan
		var dd int
		before := append([]any{&dd}, sc.dest(&r.Instance)...)
		ev, err := scanEventAfter(res, before, &r.AssociationID, &r.AssociationSlug, &r.AssociationName)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("db: list instances by day: %w", err)
		}
		sc.finish(&r.Instance, ev.ID)
		r.Event = ev
		if r.Instance.Override {
			r.Event = model.Occurrence(ev, &r.Instance)
		}
		rows = append(rows, r)
		day = append(day, dd)
	}
	return rows, day, counts, res.Err()
}
