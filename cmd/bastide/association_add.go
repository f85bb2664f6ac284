package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

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
				if err := createAssociation(ctx, store, a, "Agenda "+model.De(a.Name)); err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "Created association %s (%s) with its public calendar %q.\n", a.Slug, a.Name, defaultCalendarSlug)
				return nil
			}
		},
	})
}
