package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// getUser finds a user by name with an error a person can act on.
func getUser(ctx context.Context, store *db.Store, username string) (*model.User, error) {
	u, err := store.GetUserByUsername(ctx, username)
	if errors.Is(err, db.ErrNotFound) {
		return nil, fmt.Errorf("no user %q: see `bastide user list`", username)
	}
	return u, err
}

// getAssociation finds an association by slug with an error a person can act on.
func getAssociation(ctx context.Context, store *db.Store, slug string) (*model.Association, error) {
	a, err := store.GetAssociationBySlug(ctx, slug)
	if errors.Is(err, db.ErrNotFound) {
		return nil, fmt.Errorf("no association %q: see `bastide association list`", slug)
	}
	return a, err
}

// openAssociation opens the existing database and finds the association
// slug in it; the caller closes the store (on error it is closed already).
func (a *App) openAssociation(ctx context.Context, slug string) (*db.Store, *model.Association, error) {
	store, err := a.OpenStore(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	as, err := getAssociation(ctx, store, slug)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, as, nil
}

// getCalendar finds an association's calendar by its slug, or says how
// to list them.
func getCalendar(ctx context.Context, store *db.Store, a *model.Association, slug string) (*model.Calendar, error) {
	c, err := store.GetAssociationCalendar(ctx, a.ID, slug)
	if errors.Is(err, db.ErrNotFound) {
		return nil, fmt.Errorf("%s has no calendar %q: see `bastide calendar list %s`", a.Slug, slug, a.Slug)
	}
	return c, err
}

// getSubscription finds a subscription of an association by its id or its
// feed URL (webcal:// or not).
func getSubscription(ctx context.Context, store *db.Store, a *model.Association, ref string) (*model.Subscription, error) {
	subs, err := store.ListSubscriptions(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	norm, _ := model.NormalizeFeedURL(ref)
	for _, s := range subs {
		if fmt.Sprint(s.ID) == ref || s.URL == ref || (norm != "" && s.URL == norm) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%s has no subscription %q: see `bastide subscription list %s`", a.Slug, ref, a.Slug)
}
