package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func init() {
	register(&Command{
		Name:    "calendar add",
		Args:    "ASSOCIATION CALENDAR",
		Summary: "add a calendar to an association, public or private",
		Help: `Adds a calendar to an association; CALENDAR is its slug (lower-case
letters, digits and inner hyphens), seen in CalDAV paths. A public calendar
is on the common agenda, in the feeds and on the fediverse; a private one
is only for the association's members.`,
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			name := fs.String("name", "", "display `name` of the calendar (required)")
			public := fs.String("public", "yes", "`yes|no`: whether the calendar's events are public")
			color := fs.String("color", "", "colour, as `#RRGGBB`")
			return func(ctx context.Context, app *App, args []string) error {
				if *name == "" {
					return usagef("--name is required, e.g. --name \"Réunions du bureau\"")
				}
				c := &model.Calendar{Kind: model.CalendarAssociation, Slug: args[1], Name: *name, Color: *color,
					Components: []string{"VEVENT"}}
				switch strings.ToLower(*public) {
				case "yes", "true", "oui":
					c.Public = true
				case "no", "false", "non":
				default:
					return usagef("--public takes yes or no, not %q", *public)
				}
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				c.AssociationID = a.ID
				if err := c.Validate(); err != nil {
					return err
				}
				if err := store.CreateCalendar(ctx, c); err != nil {
					if errors.Is(err, db.ErrConflict) {
						return fmt.Errorf("%s already has a calendar %q: choose another slug", a.Slug, c.Slug)
					}
					return err
				}
				vis := "private"
				if c.Public {
					vis = "public"
				}
				fmt.Fprintf(app.Stdout, "Added the %s calendar %s (%s) to %s.\n", vis, c.Slug, c.Name, a.Slug)
				return nil
			}
		},
	})
}
