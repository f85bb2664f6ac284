package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// defaultCalendarSlug is the public calendar every association starts with.
const defaultCalendarSlug = "agenda"

func init() {
	register(&Command{
		Name:    "association add",
		Args:    "SLUG",
		Summary: "create an association with its public calendar \"agenda\"",
		Help: `Creates an association and its default public calendar "agenda". The slug
appears in URLs (/@SLUG) and in the association's fediverse handle
(SLUG@your-host): lower-case letters, digits and inner hyphens; it cannot be
changed later. --commune takes an INSEE code (47001) or a commune name of
the Lot-et-Garonne ("Villeneuve-sur-Lot").`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			name := fs.String("name", "", "display `name` of the association (required)")
			desc := fs.String("description", "", "a short `text` presenting the association")
			website := fs.String("website", "", "the association's own website `URL`")
			commune := fs.String("commune", "", "home commune: INSEE `code` or name")
			return func(ctx context.Context, app *App, args []string) error {
				if *name == "" {
					return usagef("--name is required, e.g. --name \"Comité des fêtes de Nérac\"")
				}
				a := &model.Association{Slug: args[0], Name: *name, Description: *desc, Website: *website}
				if *commune != "" {
					c, err := findCommune(*commune)
					if err != nil {
						return err
					}
					a.CommuneINSEE = c.INSEE
				}
				if err := a.Validate(); err != nil {
					return err
				}
				store, err := app.OpenStore(ctx, false)
				if err != nil {
					return err
				}
				defer store.Close()
				if err := createAssociation(ctx, store, a, "Agenda de "+a.Name); err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "Created association %s (%s) with its public calendar %q.\n", a.Slug, a.Name, defaultCalendarSlug)
				return nil
			}
		},
	})
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
				fmt.Fprintln(tw, "SLUG\tNAME\tCOMMUNE\tCALENDARS\tMEMBERS")
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
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", a.Slug, a.Name, commune, slugs, len(members))
				}
				return tw.Flush()
			}
		},
	})
}

// findCommune reads an INSEE code or a commune name of the Lot-et-Garonne.
func findCommune(s string) (*model.Commune, error) {
	if c, ok := model.CommuneByINSEE(s); ok {
		return c, nil
	}
	if c, ok := model.CommuneByName(s); ok {
		return c, nil
	}
	return nil, usagef("--commune %q is neither an INSEE code nor the name of a commune of the Lot-et-Garonne (e.g. 47001 or Agen)", s)
}

// createAssociation stores an association and its default public
// calendar (whose fields are fixed and valid, so the second write fails
// only if the disk does).
func createAssociation(ctx context.Context, store *db.Store, a *model.Association, calName string) error {
	if err := store.CreateAssociation(ctx, a); err != nil {
		if errors.Is(err, db.ErrConflict) {
			return fmt.Errorf("association %q already exists: choose another slug", a.Slug)
		}
		return err
	}
	c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: defaultCalendarSlug,
		Name: calName, Public: true, Components: []string{"VEVENT"}}
	if len(c.Name) > model.MaxNameLen {
		c.Name = "Agenda"
	}
	if err := store.CreateCalendar(ctx, c); err != nil {
		return fmt.Errorf("create calendar %q of %s: %w", c.Slug, a.Slug, err)
	}
	return nil
}
