package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/bastide47/bastide/db"
)

func init() {
	register(&Command{
		Name:    "user passwd",
		Args:    "USERNAME",
		Summary: "change a user's password (read from standard input or prompted)",
		Help: `Sets a new account password. App passwords (see app-password) are not
affected; revoke them separately if a device was lost.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				u, err := getUser(ctx, store, args[0])
				if err != nil {
					return err
				}
				pw, err := readNewPassword(app, u.Username)
				if err != nil {
					return err
				}
				if u.PasswordHash, err = db.HashPassword(pw); err != nil {
					return err
				}
				if err := store.UpdateUser(ctx, u); err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "Password of %s changed.\n", u.Username)
				return nil
			}
		},
	})
}
