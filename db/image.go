package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

// PutImage stores an image once (the same bytes have the same SHA-256).
func (s *Store) PutImage(ctx context.Context, im *model.Image) error {
	return putImage(ctx, s.w, im)
}

func putImage(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, im *model.Image) error {
	if im.CreatedAt.IsZero() {
		im.CreatedAt = now()
	}
	_, err := ex.ExecContext(ctx, `INSERT INTO images (sha256, mime, width, height, bytes, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		im.SHA256, im.MIME, im.Width, im.Height, im.Bytes, fmtTime(im.CreatedAt))
	if err != nil {
		return fmt.Errorf("db: put image %s: %w", im.SHA256, mapErr(err))
	}
	return nil
}

// GetImage returns an image by the SHA-256 (hex) of its bytes.
func (s *Store) GetImage(ctx context.Context, sha string) (*model.Image, error) {
	var im model.Image
	var created string
	err := s.r.QueryRowContext(ctx, `SELECT sha256, mime, width, height, bytes, created_at FROM images WHERE sha256 = +?`, sha).
		Scan(&im.SHA256, &im.MIME, &im.Width, &im.Height, &im.Bytes, &created)
	if err != nil {
		return nil, fmt.Errorf("db: get image %s: %w", sha, mapErr(err))
	}
	im.CreatedAt = parseTime(created)
	return &im, nil
}

// SetAssociationLogo stores im (if new) and makes it the association's
// logo, in one transaction; a nil im removes the logo.
func (s *Store) SetAssociationLogo(ctx context.Context, associationID int64, im *model.Image) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: set logo: %w", err)
	}
	defer tx.Rollback()
	var sha any
	if im != nil {
		if err := putImage(ctx, tx, im); err != nil {
			return err
		}
		sha = im.SHA256
	}
	res, err := tx.ExecContext(ctx, `UPDATE associations SET logo_sha256 = ? WHERE id = +?`, sha, associationID)
	if err != nil {
		return fmt.Errorf("db: set logo: %w", mapErr(err))
	}
	if err := affectedOne(res, fmt.Sprintf("db: set logo of association %d", associationID)); err != nil {
		return err
	}
	return tx.Commit()
}

// AssociationLogo returns the SHA-256 of the association's logo, "" if it
// has none.
func (s *Store) AssociationLogo(ctx context.Context, associationID int64) (string, error) {
	var sha sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT logo_sha256 FROM associations WHERE id = +?`, associationID).Scan(&sha)
	if err != nil {
		return "", fmt.Errorf("db: logo of association %d: %w", associationID, mapErr(err))
	}
	return sha.String, nil
}
