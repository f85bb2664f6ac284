package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// defaultCalendarSlug is the public calendar every association starts with.
const defaultCalendarSlug = "agenda"

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
// calendar (whose fields are fixed and valid, so the second write fails
// only if the disk does).
func createAssociation(ctx context.Context, store *db.Store, a *model.Association, calName string) error {
	if err := store.CreateAssociation(ctx, a); err != nil {
		if errors.Is(err, db.ErrConflict) {
			return fmt.Errorf("association %q already exists: choose another slug", a.Slug)
		}
		return err
	}
	c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: defaultCalendarSlug,
		Name: calName, Public: true, Components: []string{"VEVENT"}}
	if len(c.Name) > model.MaxNameLen {
		c.Name = "Agenda"
	}
	if err := store.CreateCalendar(ctx, c); err != nil {
		return fmt.Errorf("create calendar %q of %s: %w", c.Slug, a.Slug, err)
	}
	return nil
}
