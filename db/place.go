package db

import (
	"context"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

const placeCols = `id, ifnull(association_id, 0), name, street, postal_code, locality, commune_insee, lat, lon, has_geo`

func scanPlace(row interface{ Scan(...any) error }) (*model.Place, error) {
	var p model.Place
	var geo int
	if err := row.Scan(&p.ID, &p.AssociationID, &p.Name, &p.Street, &p.PostalCode, &p.Locality, &p.CommuneINSEE, &p.Lat, &p.Lon, &geo); err != nil {
		return nil, mapErr(err)
	}
	p.HasGeo = geo == 1
	return &p, nil
}

// EnsurePlace returns the id of the place with the same name, street and
// commune, storing it first if it is new. An association's own places
// (which its owners may change) are never taken for another's.
func (s *Store) EnsurePlace(ctx context.Context, p *model.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	err := s.w.QueryRowContext(ctx, `SELECT id FROM places WHERE name = +? AND street = +? AND commune_insee = +? AND postal_code = +?
		AND association_id IS NULL`,
		p.Name, p.Street, p.CommuneINSEE, p.PostalCode).Scan(&p.ID)
	if err == nil {
		return nil
	}
	if mapErr(err) != ErrNotFound {
		return fmt.Errorf("db: ensure place: %w", err)
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO places (name, street, postal_code, locality, commune_insee, lat, lon, has_geo)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.Name, p.Street, p.PostalCode, p.Locality, p.CommuneINSEE, p.Lat, p.Lon, b2i(p.HasGeo))
	if err != nil {
		return fmt.Errorf("db: ensure place: %w", mapErr(err))
	}
	p.ID, _ = res.LastInsertId()
	return nil
}

// GetPlace returns a place by id.
func (s *Store) GetPlace(ctx context.Context, id int64) (*model.Place, error) {
	p, err := scanPlace(s.r.QueryRowContext(ctx, "SELECT "+placeCols+" FROM places WHERE id = +?", id))
	if err != nil {
		return nil, fmt.Errorf("db: get place %d: %w", id, err)
	}
	return p, nil
}
