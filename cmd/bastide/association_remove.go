package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/bastide47/bastide/db"
)

func init() {
	register(&Command{
		Name:    "association remove",
		Args:    "ASSOCIATION",
		Summary: "delete an association with its calendars, events, places, members and followers",
		Help: `Deletes the association for good. Without --yes it only says what would be
lost, and changes nothing. With --yes its events leave the agenda at once;
followers on the fediverse get the Deletes of its events and of its Group,
and then everything goes: calendars, events, places, memberships,
invitations, followers and its logo. The Deletes leave from ` + "`bastide serve`" + `:
an association the fediverse knows waits, withdrawn, until serve has sent
them (a restart in the middle finishes the job). To keep it all instead,
see ` + "`bastide association archive`" + `.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			yes := fs.Bool("yes", false, "really delete it (without it, only say what would be lost)")
			return func(ctx context.Context, app *App, args []string) error {
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				if !a.RemovingAt.IsZero() {
					fmt.Fprintf(app.Stdout, "%s is already being removed: bastide serve finishes it once the fediverse is told.\n", a.Slug)
					return nil
				}
				loss, err := store.AssociationLoss(ctx, a.ID)
				if err != nil {
					return err
				}
				if !*yes {
					fmt.Fprintf(app.Stdout, "Removing %s (%s) would delete:\n", a.Slug, a.Name)
					printLoss(app.Stdout, loss)
					fmt.Fprintf(app.Stdout, "Nothing changed. To delete it, run: bastide association remove %s --yes\n", a.Slug)
					return nil
				}
				purged, err := store.RemoveAssociation(ctx, a.ID)
				if err != nil {
					return err
				}
				if purged {
					fmt.Fprintf(app.Stdout, "Deleted %s.\n", a.Slug)
				} else {
					fmt.Fprintf(app.Stdout, "Removing %s: it is off the agenda; bastide serve tells its followers, then deletes it.\n", a.Slug)
				}
				return nil
			}
		},
	})
}

// printLoss lists what removing an association loses.
func printLoss(w io.Writer, l db.AssociationLoss) {
	for _, line := range []struct {
		n    int
		what string
	}{{l.Events, "events"}, {l.Calendars, "calendars"}, {l.Places, "places"}, {l.Members, "memberships"}, {l.Followers, "followers on the fediverse"}} {
		fmt.Fprintf(w, "  %d %s\n", line.n, line.what)
	}
}
