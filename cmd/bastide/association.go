package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// defaultCalendarSlug is the public calendar every association starts with.
const defaultCalendarSlug = db.DefaultCalendarSlug

// findCommune reads an INSEE code or a commune name of the Lot-et-Garonne.
func findCommune(s string) (*model.Commune, error) {
	if c, ok := model.CommuneByINSEE(s); ok {
		return c, nil
	}
	if c, ok := model.CommuneByName(s); ok {
		return c, nil
	}
	return nil, usagef("--commune %q is neither an INSEE code nor the name of a commune of the Lot-et-Garonne (e.g. 47001 or Agen)", s)
}

// createAssociation stores an association and its default public
// calendar, with an error a person can act on when the slug is taken.
func createAssociation(ctx context.Context, store *db.Store, a *model.Association, calName string) error {
	err := store.CreateAssociationWithAgenda(ctx, a, calName)
	if errors.Is(err, db.ErrConflict) {
		return fmt.Errorf("association %q already exists: choose another slug", a.Slug)
	}
	return err
}
