package main

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&Command{
		Name:    "user remove",
		Args:    "USERNAME",
		Summary: "delete an account with its personal calendars, roles, sessions and app passwords",
		Help: `Deletes the account for good. Its personal calendars go with their events
(calendar apps learn of the deletion), and so do its roles in associations,
its sessions and its app passwords; the associations' events stay. To only
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
					return err
				}
				fmt.Fprintf(app.Stdout, "Deleted the account %s.\n", u.Username)
				return nil
			}
		},
	})
}
