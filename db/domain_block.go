package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// DomainBlock is a domain the instance does not federate with: its
// servers' follows, inbox deliveries and pulls are refused.
type DomainBlock struct {
	Domain    string
	Reason    string
	CreatedAt time.Time
}

// maxBlockReason bounds the note kept with a block.
const maxBlockReason = 500

// BlockDomain blocks a domain (model.NormalizeDomain form) and its
// subdomains, in one transaction: their followers of any of our actors
// are removed, and what waits to be delivered to them is dropped. It
// returns how many followers it removed. Blocking again updates the reason.
func (s *Store) BlockDomain(ctx context.Context, domain, reason string) (int, error) {
	if len(reason) > maxBlockReason {
		return 0, &model.ValidationError{Field: "reason", Msg: fmt.Sprintf("is longer than %d bytes", maxBlockReason)}
	}
	var removed int
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		t := fmtTime(now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO domain_blocks (domain, reason, created_at) VALUES (?, ?, ?)
			ON CONFLICT (domain) DO UPDATE SET reason = excluded.reason`, domain, reason, t); err != nil {
			return fmt.Errorf("db: block %s: %w", domain, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, actor_id FROM followers`)
		type follower struct {
			id    int64
			actor string
		}
		all, err := collect(rows, err, "block "+domain, func(r interface{ Scan(...any) error }) (f follower, err error) {
			return f, r.Scan(&f.id, &f.actor)
		})
		if err != nil {
			return err
		}
		for _, f := range all {
			u, err := url.Parse(f.actor)
			if err != nil || !slices.Contains(model.DomainSuffixes(u.Host), domain) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM followers WHERE id = +?`, f.id); err != nil {
				return fmt.Errorf("db: block %s: %w", domain, err)
			}
			removed++
		}
		rows, err = tx.QueryContext(ctx, `SELECT DISTINCT host FROM deliveries WHERE state = 'pending'`)
		hosts, err := collect(rows, err, "block "+domain, func(r interface{ Scan(...any) error }) (h string, err error) {
			return h, r.Scan(&h)
		})
		if err != nil {
			return err
		}
		for _, h := range hosts {
			if !slices.Contains(model.DomainSuffixes(h), domain) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'done', last_error = 'domain blocked', updated_at = ?
				WHERE state = 'pending' AND host = +?`, t, h); err != nil {
				return fmt.Errorf("db: block %s: %w", domain, err)
			}
		}
		return nil
	})
	return removed, err
}

// UnblockDomain lifts a block; ErrNotFound if the domain was not blocked.
func (s *Store) UnblockDomain(ctx context.Context, domain string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM domain_blocks WHERE domain = +?`, domain)
	if err != nil {
		return fmt.Errorf("db: unblock %s: %w", domain, err)
	}
	return affectedOne(res, "db: unblock "+domain)
}

// ListDomainBlocks returns the blocked domains in alphabetical order.
func (s *Store) ListDomainBlocks(ctx context.Context) ([]DomainBlock, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT domain, reason, created_at FROM domain_blocks ORDER BY domain`)
	return collect(rows, err, "list domain blocks", func(r interface{ Scan(...any) error }) (b DomainBlock, err error) {
		var c string
		err = r.Scan(&b.Domain, &b.Reason, &c)
		b.CreatedAt = parseTime(c)
		return b, err
	})
}

// HostBlocked reports whether a host (with or without a port) is on a
// blocked domain, or under one.
func (s *Store) HostBlocked(ctx context.Context, host string) (bool, error) {
	names := model.DomainSuffixes(host)
	if len(names) == 0 {
		return false, nil
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM domain_blocks WHERE domain IN (`+placeholders(len(names))+`)`, args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: host blocked %s: %w", host, err)
	}
	return n > 0, nil
}

// URLBlocked reports whether the host of an ActivityPub id or URL is on a
// blocked domain; a string that is not a URL is not.
func (s *Store) URLBlocked(ctx context.Context, iri string) (bool, error) {
	u, err := url.Parse(iri)
	if err != nil || u.Host == "" {
		return false, nil
	}
	return s.HostBlocked(ctx, u.Host)
}
