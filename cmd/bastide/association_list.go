package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func init() {
	register(&Command{
		Name:    "association list",
		Summary: "list the associations",
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, _ []string) error {
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				as, err := store.ListAssociations(ctx)
				if err != nil {
					return err
				}
				if len(as) == 0 {
					fmt.Fprintln(app.Stdout, "No associations yet: create one with `bastide association add SLUG --name NAME`.")
					return nil
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SLUG\tNAME\tCOMMUNE\tCALENDARS\tMEMBERS\tSTATE")
				for _, a := range as {
					commune := a.CommuneINSEE
					if c, ok := model.CommuneByINSEE(a.CommuneINSEE); ok {
						commune = c.Name
					}
					cals, err := store.ListCalendars(ctx, db.CalendarFilter{AssociationID: a.ID})
					if err != nil {
						return err
					}
					members, err := store.ListMembers(ctx, a.ID)
					if err != nil {
						return err
					}
					var slugs string
					for i, c := range cals {
						if i > 0 {
							slugs += ","
						}
						slugs += c.Slug
					}
					state := "active"
					switch {
					case !a.RemovingAt.IsZero():
						state = "being removed"
					case !a.ArchivedAt.IsZero():
						state = "archived"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", a.Slug, a.Name, commune, slugs, len(members), state)
				}
				return tw.Flush()
			}
		},
	})
}
