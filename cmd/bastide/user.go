package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

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
	register(&Command{
		Name:    "user list",
		Summary: "list the user accounts",
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, _ []string) error {
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				users, err := store.ListUsers(ctx)
				if err != nil {
					return err
				}
				if len(users) == 0 {
					fmt.Fprintln(app.Stdout, "No users yet: create one with `bastide user add USERNAME`.")
					return nil
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "USERNAME\tNAME\tE-MAIL\tADMIN\tCREATED")
				for _, u := range users {
					admin := ""
					if u.Admin {
						admin = "yes"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, u.Email, admin, u.CreatedAt.Format("2006-01-02"))
				}
				return tw.Flush()
			}
		},
	})
}

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
