package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/bastide47/bastide/db"
)

func init() {
	for _, archive := range []bool{true, false} {
		name, summary, help := "association archive", "take an association out of everything public, keeping it all",
			`Archives the association: its page, events, feeds and widget leave the
public agenda, its calendars become read-only in calendar apps, and
followers on the fediverse get the Deletes of its events (bastide serve
sends them). Its members, calendars, events and followers stay, so that
`+"`bastide association unarchive`"+` brings everything back.`
		if !archive {
			name, summary, help = "association unarchive", "bring an archived association back",
				`Brings an archived association back: its pages and events are public
again, its calendars take changes again, and its public events are
published to its followers anew.`
		}
		register(&Command{
			Name: name, Args: "ASSOCIATION", Summary: summary, Help: help,
			MinArgs: 1, MaxArgs: 1,
			Setup: func(fs *flag.FlagSet, _ *App) Runner {
				return func(ctx context.Context, app *App, args []string) error {
					store, a, err := app.openAssociation(ctx, args[0])
					if err != nil {
						return err
					}
					defer store.Close()
					was := a.Withdrawn()
					err = store.ArchiveAssociation(ctx, a.ID, archive)
					switch {
					case errors.Is(err, db.ErrWithdrawn):
						return fmt.Errorf("%s is being removed: it can no longer be archived or brought back", a.Slug)
					case err != nil:
						return err
					case was == archive && archive:
						fmt.Fprintf(app.Stdout, "%s was already archived; nothing changed.\n", a.Slug)
					case was == archive:
						fmt.Fprintf(app.Stdout, "%s is not archived; nothing changed.\n", a.Slug)
					case archive:
						fmt.Fprintf(app.Stdout, "Archived %s: it is out of the public agenda and its calendars are read-only.\n", a.Slug)
					default:
						fmt.Fprintf(app.Stdout, "%s is back: its public events are on the agenda again.\n", a.Slug)
					}
					return nil
				}
			},
		})
	}
}
