package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
)

func init() {
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
