package main

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&Command{
		Name:    "subscription remove",
		Args:    "ASSOCIATION URL|ID",
		Summary: "stop following an ICS feed; the calendar and its events stay, writable again",
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				sub, err := getSubscription(ctx, store, a, args[1])
				if err != nil {
					return err
				}
				if err := store.DeleteSubscription(ctx, sub.ID); err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "The calendar %q of %s no longer follows %s. It keeps its events and can be edited again (calendar apps, back office).\n",
					sub.CalendarSlug, a.Slug, sub.URL)
				return nil
			}
		},
	})
}
