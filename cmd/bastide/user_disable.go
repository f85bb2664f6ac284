package main

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	for _, disable := range []bool{true, false} {
		name, summary := "user enable", "let a disabled account sign in and use its app passwords again"
		if disable {
			name, summary = "user disable", "stop an account at once: its sessions end, its passwords and app passwords stop working"
		}
		register(&Command{
			Name:    name,
			Args:    "USERNAME",
			Summary: summary,
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
					if err := store.SetUserDisabled(ctx, u.ID, disable); err != nil {
						return err
					}
					if disable {
						fmt.Fprintf(app.Stdout, "%s is disabled: signed out everywhere, passwords refused. `bastide user enable %s` undoes it.\n", u.Username, u.Username)
					} else {
						fmt.Fprintf(app.Stdout, "%s is enabled again.\n", u.Username)
					}
					return nil
				}
			},
		})
	}
}
