package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
)

func init() {
	register(&Command{
		Name:    "member list",
		Args:    "ASSOCIATION",
		Summary: "list an association's members and their roles",
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				ms, err := store.ListMembers(ctx, a.ID)
				if err != nil {
					return err
				}
				if len(ms) == 0 {
					fmt.Fprintf(app.Stdout, "%s has no members yet: add one with `bastide member add %s USERNAME --role owner`.\n", a.Slug, a.Slug)
					return nil
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "USERNAME\tROLE")
				for _, m := range ms {
					u, err := store.GetUser(ctx, m.UserID)
					if err != nil {
						return err
					}
					fmt.Fprintf(tw, "%s\t%s\n", u.Username, m.Role)
				}
				return tw.Flush()
			}
		},
	})
}
