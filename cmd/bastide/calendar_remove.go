package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/bastide47/bastide/db"
)

func init() {
	register(&Command{
		Name:    "calendar remove",
		Args:    "ASSOCIATION CALENDAR",
		Summary: "delete an association's calendar and its events",
		Help: `Deletes the calendar with its events: calendar apps, the agenda and, for a
public calendar, the fediverse learn of each deletion.`,
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				c, err := getCalendar(ctx, store, a, args[1])
				if err != nil {
					return err
				}
				if err := store.DeleteCalendar(ctx, c.ID); err != nil {
					if errors.Is(err, db.ErrWithdrawn) {
						return fmt.Errorf("%s is archived: its calendars are read-only until `bastide association unarchive %s`", a.Slug, a.Slug)
					}
					return err
				}
				fmt.Fprintf(app.Stdout, "Deleted the calendar %s of %s with its events.\n", c.Slug, a.Slug)
				return nil
			}
		},
	})
}
