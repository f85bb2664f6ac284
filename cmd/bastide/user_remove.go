package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/bastide47/bastide/db"
)

func init() {
	register(&Command{
		Name:    "user remove",
		Args:    "USERNAME",
		Summary: "delete an account with its personal calendars, roles, sessions and app passwords",
		Help: `Deletes the account for good. Its personal calendars go with their events
(calendar apps learn of the deletion), and so do its roles in associations,
its sessions and its app passwords; the associations' events stay. The
last owner of an association is refused: name another owner first. To only
block the account, use ` + "`bastide user disable`" + ` instead.`,
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
				if err := store.DeleteUser(ctx, u.ID); err != nil {
					var lo *db.LastOwnerError
					if errors.As(err, &lo) {
						return fmt.Errorf("%s is the last owner of %s: make someone else owner of each first (bastide member add ASSOCIATION USERNAME --role owner), or remove the association",
							u.Username, strings.Join(lo.Associations, ", "))
					}
					return err
				}
				fmt.Fprintf(app.Stdout, "Deleted the account %s.\n", u.Username)
				return nil
			}
		},
	})
}
