package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

// ListAssociationPlaces returns an association's own places, by name then
// commune.
func (s *Store) ListAssociationPlaces(ctx context.Context, associationID int64) ([]*model.Place, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+placeCols+` FROM places WHERE association_id = +?
		ORDER BY name COLLATE NOCASE, commune_insee, id`, associationID)
	return collect(rows, err, "list places", scanPlace)
}

// GetAssociationPlace returns a place of the association; ErrNotFound for
// a place of another or of none.
func (s *Store) GetAssociationPlace(ctx context.Context, associationID, id int64) (*model.Place, error) {
	p, err := scanPlace(s.r.QueryRowContext(ctx, "SELECT "+placeCols+" FROM places WHERE id = +? AND association_id = +?", id, associationID))
	if err != nil {
		return nil, fmt.Errorf("db: get place %d: %w", id, err)
	}
	return p, nil
}

// CreateAssociationPlace stores a new place of p.AssociationID;
// ErrConflict if the association has a place of that name in that commune.
func (s *Store) CreateAssociationPlace(ctx context.Context, p *model.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.AssociationID == 0 {
		return fmt.Errorf("db: create place: %w", &model.ValidationError{Field: "association", Msg: "is required"})
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO places (association_id, name, street, postal_code, locality, commune_insee, lat, lon, has_geo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.AssociationID, p.Name, p.Street, p.PostalCode, p.Locality, p.CommuneINSEE,
		p.Lat, p.Lon, b2i(p.HasGeo))
	if err != nil {
		return fmt.Errorf("db: create place %q: %w", p.Name, mapErr(err))
	}
	p.ID, _ = res.LastInsertId()
	return nil
}

// UpdateAssociationPlace saves a place of p.AssociationID. Each event at
// that place is logged as changed, so that the agenda, calendar apps and
// the fediverse (which show the address) follow.
func (s *Store) UpdateAssociationPlace(ctx context.Context, p *model.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE places SET name = ?, street = ?, postal_code = ?, locality = ?, commune_insee = ?,
			lat = ?, lon = ?, has_geo = ? WHERE id = +? AND association_id = +?`, p.Name, p.Street, p.PostalCode, p.Locality,
			p.CommuneINSEE, p.Lat, p.Lon, b2i(p.HasGeo), p.ID, p.AssociationID)
		if err != nil {
			return fmt.Errorf("db: update place %d: %w", p.ID, mapErr(err))
		}
		if err := affectedOne(res, fmt.Sprintf("db: update place %d", p.ID)); err != nil {
			return err
		}
		return logPlaceEvents(ctx, tx, p.ID)
	})
}

// DeleteAssociationPlace removes a place of the association; the events
// at it keep their own location text, lose the link, and are logged as
// changed.
func (s *Store) DeleteAssociationPlace(ctx context.Context, associationID, id int64) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := logPlaceEvents(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM places WHERE id = +? AND association_id = +?`, id, associationID)
		if err != nil {
			return fmt.Errorf("db: delete place %d: %w", id, err)
		}
		return affectedOne(res, fmt.Sprintf("db: delete place %d", id))
	})
}

// logPlaceEvents logs a change of every event at place id.
func logPlaceEvents(ctx context.Context, tx *sql.Tx, id int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, calendar_id, href, uid, uuid FROM events WHERE place_id = +? ORDER BY id`, id)
	if err != nil {
		return fmt.Errorf("db: events at place %d: %w", id, err)
	}
	type ref struct {
		id, cal         int64
		href, uid, uuid string
	}
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.id, &r.cal, &r.href, &r.uid, &r.uuid); err != nil {
			rows.Close()
			return fmt.Errorf("db: events at place %d: %w", id, err)
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: events at place %d: %w", id, err)
	}
	t := now()
	q := newTxq(tx)
	for _, r := range refs {
		if _, _, err := logChange(ctx, q, r.cal, r.id, r.href, r.uid, r.uuid, model.ChangePut, t); err != nil {
			return err
		}
	}
	return nil
}
