package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
)

func init() {
	register(&Command{
		Name:    "app-password list",
		Args:    "USERNAME",
		Summary: "list a user's app passwords (names and dates, never the passwords)",
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
				aps, err := store.ListAppPasswords(ctx, u.ID)
				if err != nil {
					return err
				}
				if len(aps) == 0 {
					fmt.Fprintf(app.Stdout, "%s has no app passwords.\n", u.Username)
					return nil
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "DEVICE\tCREATED\tLAST USED")
				for _, p := range aps {
					last := "never"
					if !p.LastUsedAt.IsZero() {
						last = p.LastUsedAt.Format("2006-01-02 15:04 MST")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, p.CreatedAt.Format("2006-01-02 15:04 MST"), last)
				}
				return tw.Flush()
			}
		},
	})
}
