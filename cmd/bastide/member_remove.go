package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/bastide47/bastide/db"
)

func init() {
	register(&Command{
		Name:    "member remove",
		Args:    "ASSOCIATION USERNAME",
		Summary: "take a user out of an association",
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				u, err := getUser(ctx, store, args[1])
				if err != nil {
					return err
				}
				if err := store.RemoveMembership(ctx, u.ID, a.ID); err != nil {
					if errors.Is(err, db.ErrNotFound) {
						return fmt.Errorf("%s is not a member of %s", u.Username, a.Slug)
					}
					if errors.Is(err, db.ErrLastOwner) {
						return fmt.Errorf("%s is the last owner of %s: make someone else owner first (bastide member add %s USERNAME --role owner), or remove the association", u.Username, a.Slug, a.Slug)
					}
					return err
				}
				fmt.Fprintf(app.Stdout, "%s is no longer a member of %s.\n", u.Username, a.Slug)
				return nil
			}
		},
	})
}
