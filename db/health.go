package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// MetaPublisherSeq is the meta key of the federation publisher's cursor in
// the change log: the seq of the last change it has turned into
// deliveries.
const MetaPublisherSeq = "federation.publisher_seq"

// HostDeliveries counts the deliveries to one host by state.
type HostDeliveries struct {
	Host    string
	Pending int
	Dead    int
	// OldestPending is when the oldest pending delivery was queued.
	OldestPending time.Time
}

// Health is the state of the background work: what /metrics exports,
// /readyz judges and the admin's dashboard shows.
type Health struct {
	// LastSeq is the newest change; PublisherSeq the publisher's cursor.
	LastSeq, PublisherSeq int64
	// OldestUnpublished is when the oldest change past the cursor was
	// made (zero when the publisher is up to date).
	OldestUnpublished time.Time
	// Deliveries per host with anything pending or dead.
	Deliveries []HostDeliveries
	// InboxQueue is the number of received activities not yet processed;
	// OldestDueInbox the reception time of the oldest one already due
	// (zero when none is due).
	InboxQueue     int
	OldestDueInbox time.Time
	// Follows are the followed sources with their last success and error.
	Follows []*Follow
	// PublishFailures counts the events the publisher could not publish
	// and retries; OldestPublishFailure is when the oldest first failed.
	PublishFailures      int
	OldestPublishFailure time.Time
	// DatabaseBytes is the size of the database file and its WAL.
	DatabaseBytes int64
	// Subscriptions counts the ICS subscriptions, SubscriptionsFailing
	// those whose last refresh failed. OldestDueSubscription is the next
	// try of the most overdue one (zero when none is due: the worker is
	// up to date); StalestSubscription the oldest last success (or
	// creation, for one never read) over all of them.
	Subscriptions, SubscriptionsFailing int
	OldestDueSubscription               time.Time
	StalestSubscription                 time.Time
}

// Health reads the state of the background work in one read transaction.
func (s *Store) Health(ctx context.Context, at time.Time) (*Health, error) {
	h := &Health{}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("db: health: %w", err)
	}
	defer tx.Rollback()
	var cursor string
	switch err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = +?`, MetaPublisherSeq).Scan(&cursor); {
	case err == nil:
		h.PublisherSeq, _ = strconv.ParseInt(cursor, 10, 64)
	case !errors.Is(mapErr(err), ErrNotFound):
		return nil, fmt.Errorf("db: health: cursor: %w", err)
	}
	var oldest string
	if err := tx.QueryRowContext(ctx, `SELECT ifnull(max(seq), 0),
		ifnull((SELECT at FROM changes WHERE seq > +? ORDER BY seq LIMIT 1), '') FROM changes`, h.PublisherSeq).
		Scan(&h.LastSeq, &oldest); err != nil {
		return nil, fmt.Errorf("db: health: changes: %w", err)
	}
	h.OldestUnpublished = parseTime(oldest)

	rows, err := tx.QueryContext(ctx, `SELECT host, sum(state = 'pending'), sum(state = 'dead'),
		ifnull(min(CASE WHEN state = 'pending' THEN created_at END), '')
		FROM deliveries WHERE state IN ('pending', 'dead') GROUP BY host ORDER BY host`)
	if err != nil {
		return nil, fmt.Errorf("db: health: deliveries: %w", err)
	}
	for rows.Next() {
		var d HostDeliveries
		var o string
		if err := rows.Scan(&d.Host, &d.Pending, &d.Dead, &o); err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: health: deliveries: %w", err)
		}
		d.OldestPending = parseTime(o)
		h.Deliveries = append(h.Deliveries, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: health: deliveries: %w", err)
	}

	var due string
	if err := tx.QueryRowContext(ctx, `SELECT count(*), ifnull(min(CASE WHEN next_at <= +? THEN received_at END), '')
		FROM inbox_queue`, fmtMilli(at)).Scan(&h.InboxQueue, &due); err != nil {
		return nil, fmt.Errorf("db: health: inbox: %w", err)
	}
	h.OldestDueInbox = parseTime(due)

	var since string
	if err := tx.QueryRowContext(ctx, `SELECT count(*), ifnull(min(since), '') FROM publish_failures`).
		Scan(&h.PublishFailures, &since); err != nil {
		return nil, fmt.Errorf("db: health: publish failures: %w", err)
	}
	h.OldestPublishFailure = parseTime(since)

	frows, err := tx.QueryContext(ctx, "SELECT "+followCols+" FROM follows ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("db: health: follows: %w", err)
	}
	for frows.Next() {
		f, err := scanFollow(frows)
		if err != nil {
			frows.Close()
			return nil, fmt.Errorf("db: health: follows: %w", err)
		}
		h.Follows = append(h.Follows, f)
	}
	frows.Close()
	if err := frows.Err(); err != nil {
		return nil, fmt.Errorf("db: health: follows: %w", err)
	}

	var dueSub, stalest string
	if err := tx.QueryRowContext(ctx, `SELECT count(*), ifnull(sum(last_error_code <> ''), 0),
		ifnull(min(CASE WHEN next_at <= ? THEN next_at END), ''),
		ifnull(min(CASE WHEN last_success_at <> '' THEN last_success_at ELSE created_at END), '')
		FROM subscriptions`, fmtTime(at)).Scan(&h.Subscriptions, &h.SubscriptionsFailing, &dueSub, &stalest); err != nil {
		return nil, fmt.Errorf("db: health: subscriptions: %w", err)
	}
	h.OldestDueSubscription, h.StalestSubscription = parseTime(dueSub), parseTime(stalest)

	for _, p := range []string{s.path, s.path + "-wal"} {
		if st, err := os.Stat(p); err == nil {
			h.DatabaseBytes += st.Size()
		}
	}
	return h, nil
}
