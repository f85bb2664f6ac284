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
		Name:    "app-password revoke",
		Args:    "USERNAME",
		Summary: "delete one device's app password",
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			name := fs.String("name", "", "`device` name given at creation (required; see app-password list)")
			return func(ctx context.Context, app *App, args []string) error {
				if *name == "" {
					return usagef("--name is required: the device whose password to revoke (see `bastide app-password list %s`)", args[0])
				}
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				u, err := getUser(ctx, store, args[0])
				if err != nil {
					return err
				}
				if err := store.RevokeAppPassword(ctx, u.ID, *name); err != nil {
					if errors.Is(err, db.ErrNotFound) {
						return fmt.Errorf("%s has no app password named %q: see `bastide app-password list %s`", u.Username, *name, u.Username)
					}
					return err
				}
				fmt.Fprintf(app.Stdout, "Revoked the app password %q of %s.\n", *name, u.Username)
				return nil
			}
		},
	})
}
