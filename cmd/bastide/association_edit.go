package main

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&Command{
		Name:    "association edit",
		Args:    "SLUG",
		Summary: "change an association's name, description, website or commune",
		Help: `Changes what the association's page and fediverse profile show. Only the
flags given change; an empty value clears a field (but the name). The slug
cannot change.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			name := fs.String("name", "", "new display `name`")
			desc := fs.String("description", "", "a short `text` presenting the association")
			website := fs.String("website", "", "the association's own website `URL`")
			email := fs.String("email", "", "a contact e-mail `address`")
			commune := fs.String("commune", "", "home commune: INSEE `code` or name")
			return func(ctx context.Context, app *App, args []string) error {
				set := map[string]bool{}
				fs.Visit(func(f *flag.Flag) {
					switch f.Name {
					case "name", "description", "website", "email", "commune":
						set[f.Name] = true
					}
				})
				if len(set) == 0 {
					return usagef("say what to change: --name, --description, --website, --email or --commune")
				}
				if set["name"] && *name == "" {
					return usagef("--name cannot be empty")
				}
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				if set["name"] {
					a.Name = *name
				}
				if set["description"] {
					a.Description = *desc
				}
				if set["website"] {
					a.Website = *website
				}
				if set["email"] {
					a.Email = *email
				}
				if set["commune"] {
					a.CommuneINSEE = ""
					if *commune != "" {
						c, err := findCommune(*commune)
						if err != nil {
							return err
						}
						a.CommuneINSEE = c.INSEE
					}
				}
				if err := a.Validate(); err != nil {
					return err
				}
				if err := store.UpdateAssociation(ctx, a); err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "Saved association %s (%s).\n", a.Slug, a.Name)
				return nil
			}
		},
	})
}
