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
// logo, in one transaction; a nil im removes the logo. The logo it
// replaces is deleted if nothing else shows it (imageUsedSQL).
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
	var old sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT logo_sha256 FROM associations WHERE id = +?`, associationID).Scan(&old); err != nil {
		return fmt.Errorf("db: set logo of association %d: %w", associationID, mapErr(err))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE associations SET logo_sha256 = ? WHERE id = +?`, sha, associationID); err != nil {
		return fmt.Errorf("db: set logo: %w", mapErr(err))
	}
	// The logo replaced goes, unless something else still shows it.
	if old.Valid && (im == nil || old.String != im.SHA256) {
		if err := dropImageIfUnusedTx(ctx, tx, old.String); err != nil {
			return err
		}
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

// imageUsedSQL is true when the image i is still shown somewhere: as an
// association's logo, the instance's logo, or named by an event (an IMAGE
// property pointing at /images/SHA). The one rule of which images are kept.
const imageUsedSQL = `(EXISTS (SELECT 1 FROM associations a WHERE a.logo_sha256 = i.sha256)
	OR EXISTS (SELECT 1 FROM instance_settings st WHERE st.logo_sha256 = i.sha256)
	OR EXISTS (SELECT 1 FROM events e WHERE instr(e.data, '/images/' || i.sha256) > 0))`

// dropImageIfUnusedTx deletes the image sha if nothing shows it any more.
func dropImageIfUnusedTx(ctx context.Context, tx *sql.Tx, sha string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM images WHERE sha256 = +? AND sha256 IN
		(SELECT i.sha256 FROM images i WHERE i.sha256 = +? AND NOT `+imageUsedSQL+`)`, sha, sha); err != nil {
		return fmt.Errorf("db: drop image %s: %w", sha, err)
	}
	return nil
}

// PruneImages deletes every image nothing shows any more (imageUsedSQL)
// and returns how many went: the catch-all behind the deletions made
// where an image is replaced.
func (s *Store) PruneImages(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM images WHERE sha256 IN (SELECT i.sha256 FROM images i WHERE NOT `+imageUsedSQL+`)`)
	if err != nil {
		return 0, fmt.Errorf("db: prune images: %w", err)
	}
	return res.RowsAffected()
}
