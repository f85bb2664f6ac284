package db

import (
	"context"
	"fmt"
	"time"
)

// InstancePage is one of the instance's own texts (mentions légales,
// privacy notice, accessibility statement, charter), in Markdown.
type InstancePage struct {
	Slug      string
	Body      string
	UpdatedAt time.Time
}

// GetInstancePage returns a page the admin wrote; ErrNotFound when they
// have not (the page then shows its default).
func (s *Store) GetInstancePage(ctx context.Context, slug string) (*InstancePage, error) {
	p := &InstancePage{Slug: slug}
	var u string
	err := s.r.QueryRowContext(ctx, `SELECT body, updated_at FROM instance_pages WHERE slug = +?`, slug).Scan(&p.Body, &u)
	if err != nil {
		return nil, fmt.Errorf("db: get instance page %s: %w", slug, mapErr(err))
	}
	p.UpdatedAt = parseTime(u)
	return p, nil
}

// PutInstancePage saves a page's text.
func (s *Store) PutInstancePage(ctx context.Context, slug, body string) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO instance_pages (slug, body, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`, slug, body, fmtTime(now()))
	if err != nil {
		return fmt.Errorf("db: put instance page %s: %w", slug, err)
	}
	return nil
}

// DeleteInstancePage brings a page back to its default text.
func (s *Store) DeleteInstancePage(ctx context.Context, slug string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM instance_pages WHERE slug = +?`, slug); err != nil {
		return fmt.Errorf("db: delete instance page %s: %w", slug, err)
	}
	return nil
}
