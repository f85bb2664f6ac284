package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

// InstanceSettings returns the admin's settings of the instance, the
// defaults (model.DefaultInstanceSettings) while they have set none.
func (s *Store) InstanceSettings(ctx context.Context) (*model.InstanceSettings, error) {
	st := &model.InstanceSettings{}
	var logo sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT name, description, contact, footer, logo_sha256 FROM instance_settings WHERE id = 1`).
		Scan(&st.Name, &st.Description, &st.Contact, &st.Footer, &logo)
	if errors.Is(err, sql.ErrNoRows) {
		return model.DefaultInstanceSettings(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: instance settings: %w", mapErr(err))
	}
	st.LogoSHA256 = logo.String
	return st, nil
}

// PutInstanceSettings saves the settings and, when logo is not nil,
// stores it and makes it the instance's logo, in one transaction. The
// settings' LogoSHA256 says which logo to keep ("" for none) when logo
// is nil.
func (s *Store) PutInstanceSettings(ctx context.Context, st *model.InstanceSettings, logo *model.Image) error {
	if err := st.Validate(); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: put instance settings: %w", err)
	}
	defer tx.Rollback()
	if logo != nil {
		if err := putImage(ctx, tx, logo); err != nil {
			return err
		}
		st.LogoSHA256 = logo.SHA256
	}
	var old sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT logo_sha256 FROM instance_settings WHERE id = 1`).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("db: put instance settings: %w", err)
	}
	var sha any
	if st.LogoSHA256 != "" {
		sha = st.LogoSHA256
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO instance_settings (id, name, description, contact, footer, logo_sha256, updated_at)
		VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
		contact = excluded.contact, footer = excluded.footer, logo_sha256 = excluded.logo_sha256, updated_at = excluded.updated_at`,
		st.Name, st.Description, st.Contact, st.Footer, sha, fmtTime(now()))
	if err != nil {
		return fmt.Errorf("db: put instance settings: %w", mapErr(err))
	}
	// A replaced or removed logo goes, unless something else shows it.
	if old.Valid && old.String != st.LogoSHA256 {
		if err := dropImageIfUnusedTx(ctx, tx, old.String); err != nil {
			return err
		}
	}
	return tx.Commit()
}
