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
		Name:    "member add",
		Args:    "ASSOCIATION USERNAME",
		Summary: "give a user a role in an association (owner, editor or viewer)",
		Help: `Makes USERNAME a member of the association ASSOCIATION (its slug), or
changes their role if they are one already. Owners manage calendars and
members, editors create and change events, viewers only read. The
association's calendars then appear in the member's CalDAV account.`,
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			role := fs.String("role", "", "`role`: owner, editor or viewer (required)")
			return func(ctx context.Context, app *App, args []string) error {
				r := model.Role(*role)
				if !r.Valid() {
					return usagef("--role %q: use owner, editor or viewer", *role)
				}
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				u, err := getUser(ctx, store, args[1])
				if err != nil {
					return err
				}
				before, err := store.GetRole(ctx, u.ID, a.ID)
				if err != nil && !errors.Is(err, db.ErrNotFound) {
					return err
				}
				if err := store.SetMembership(ctx, &model.Membership{UserID: u.ID, AssociationID: a.ID, Role: r}); err != nil {
					if errors.Is(err, db.ErrLastOwner) {
						return fmt.Errorf("%s is the last owner of %s: make someone else owner first (bastide member add %s USERNAME --role owner)", u.Username, a.Slug, a.Slug)
					}
					return err
				}
				switch {
				case before == "":
					fmt.Fprintf(app.Stdout, "%s is now %s of %s.\n", u.Username, r, a.Slug)
				case before == r:
					fmt.Fprintf(app.Stdout, "%s was already %s of %s; nothing changed.\n", u.Username, r, a.Slug)
				default:
					fmt.Fprintf(app.Stdout, "%s is now %s of %s (was %s).\n", u.Username, r, a.Slug, before)
				}
				return nil
			}
		},
	})
}
