package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func init() {
	register(&Command{
		Name:    "user add",
		Args:    "USERNAME",
		Summary: "create a user account (the password is read from standard input or prompted)",
		Help: `Creates a user who can sign in to the web admin and to CalDAV. The password
is prompted twice (without echo) on a terminal; otherwise the first line of
standard input is the password:

    printf '%s\n' "$PASSWORD" | bastide user add alice --display-name "Alice Martin"

Usernames use a-z, 0-9, '.', '_' and '-'.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			admin := fs.Bool("admin", false, "make the user an administrator of the instance")
			display := fs.String("display-name", "", "the `name` shown to others (default: the username)")
			email := fs.String("email", "", "e-mail `address`")
			return func(ctx context.Context, app *App, args []string) error {
				u := &model.User{Username: args[0], DisplayName: *display, Email: *email, Admin: *admin}
				if u.DisplayName == "" {
					u.DisplayName = u.Username
				}
				if err := u.Validate(); err != nil {
					return err
				}
				// The password first: a refused one must not leave a new,
				// empty database behind.
				pw, err := readNewPassword(app, u.Username)
				if err != nil {
					return err
				}
				if u.PasswordHash, err = db.HashPassword(pw); err != nil {
					return err
				}
				store, err := app.OpenStore(ctx, false)
				if err != nil {
					return err
				}
				defer store.Close()
				if err := store.CreateUser(ctx, u); err != nil {
					if errors.Is(err, db.ErrConflict) {
						return fmt.Errorf("user %q already exists; change their password with `bastide user passwd %s`", u.Username, u.Username)
					}
					return err
				}
				role := "user"
				if u.Admin {
					role = "administrator"
				}
				fmt.Fprintf(app.Stdout, "Created %s %s.\n", role, u.Username)
				return nil
			}
		},
	})
}
