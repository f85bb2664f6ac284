package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
)

func init() {
	register(&Command{
		Name:    "subscription list",
		Args:    "[ASSOCIATION]",
		Summary: "list the ICS subscriptions with their last success, last error and next try",
		MinArgs: 0, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				var assocID int64
				if len(args) == 1 {
					a, err := getAssociation(ctx, store, args[0])
					if err != nil {
						return err
					}
					assocID = a.ID
				}
				subs, err := store.ListSubscriptions(ctx, assocID)
				if err != nil {
					return err
				}
				if len(subs) == 0 {
					fmt.Fprintln(app.Stdout, "No subscriptions.")
					return nil
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tCALENDAR\tEVERY\tLAST SUCCESS\tNEXT TRY\tURL")
				for _, s := range subs {
					fmt.Fprintf(tw, "%d\t%s/%s\t%s\t%s\t%s\t%s\n", s.ID, s.AssociationSlug, s.CalendarSlug, s.Interval,
						formatWhen(s.LastSuccess), formatWhen(s.NextAt), s.URL)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				for _, s := range subs {
					if s.LastErrorCode != "" {
						fmt.Fprintf(app.Stdout, "Subscription %d failed %d time(s), last at %s: %s\n", s.ID, s.Failures,
							formatWhen(s.LastErrorAt), describeFeedError(s.LastErrorCode, s.LastError))
					}
				}
				return nil
			}
		},
	})
}
