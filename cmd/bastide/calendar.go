package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func init() {
	register(&Command{
		Name:    "calendar list",
		Args:    "ASSOCIATION",
		Summary: "list an association's calendars, public or private",
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				cals, err := store.ListCalendars(ctx, db.CalendarFilter{Kind: model.CalendarAssociation, AssociationID: a.ID})
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SLUG\tNAME\tVISIBILITY\tCOLOUR\tITEMS")
				for _, c := range cals {
					vis := "private"
					if c.Public {
						vis = "public"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Slug, c.Name, vis, c.Color, strings.Join(c.Components, ","))
				}
				return tw.Flush()
			}
		},
	})
	register(&Command{
		Name:    "calendar set",
		Args:    "ASSOCIATION CALENDAR",
		Summary: "make an association's calendar public or private, rename it or change its colour",
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			public := fs.String("public", "", "`yes|no`: yes shows the calendar's events on the common agenda, in its feeds and on the fediverse; no keeps them to the members")
			name := fs.String("name", "", "new display `name`")
			color := fs.String("color", "", "new colour, as `#RRGGBB`")
			return func(ctx context.Context, app *App, args []string) error {
				if *public == "" && *name == "" && *color == "" {
					return usagef("say what to change: --public yes|no, --name or --color")
				}
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				c, err := getCalendar(ctx, store, a, args[1])
				if err != nil {
					return err
				}
				switch strings.ToLower(*public) {
				case "":
				case "yes", "true", "oui":
					c.Public = true
				case "no", "false", "non":
					c.Public = false
				default:
					return usagef("--public takes yes or no, not %q", *public)
				}
				if *name != "" {
					c.Name = *name
				}
				if *color != "" {
					c.Color = *color
				}
				if err := store.UpdateCalendar(ctx, c); err != nil {
					return err
				}
				vis := "private: only its members see it"
				if c.Public {
					vis = "public: on the common agenda, in the feeds and on the fediverse"
				}
				fmt.Fprintf(app.Stdout, "Calendar %s of %s (%s) is %s.\n", c.Slug, a.Slug, c.Name, vis)
				return nil
			}
		},
	})
}
