package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/bastide47/bastide/db"
)

func init() {
	register(&Command{
		Name:    "followers",
		Args:    "ASSOCIATION",
		Summary: "list an association's fediverse followers; accept or reject pending ones",
		Help: `Lists who follows the association's Group actor on the fediverse (Mobilizon
users and instances, Mastodon accounts…), with the state of each follow.
An association that approves followers by hand accepts or rejects a
pending one with --accept ACTOR-URL or --reject ACTOR-URL; the answer is
delivered by bastide serve.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			var ff fedFlags
			ff.register(fs)
			accept := fs.String("accept", "", "accept the pending follow of this `actor` URL")
			reject := fs.String("reject", "", "reject the follow of this `actor` URL")
			return func(ctx context.Context, app *App, args []string) error {
				if *accept != "" || *reject != "" {
					if *accept != "" && *reject != "" {
						return usagef("use --accept or --reject, not both")
					}
					store, fed, err := ff.open(ctx, app)
					if err != nil {
						return err
					}
					defer store.Close()
					actor, ok := *accept, true
					if actor == "" {
						actor, ok = *reject, false
					}
					if err := fed.DecideFollower(ctx, args[0], actor, ok); err != nil {
						if errors.Is(err, db.ErrNotFound) {
							return fmt.Errorf("%s does not follow %s: see `bastide followers %s`", actor, args[0], args[0])
						}
						return err
					}
					verb := "accepted"
					if !ok {
						verb = "rejected"
					}
					fmt.Fprintf(app.Stdout, "The follow of %s is %s.\n", actor, verb)
					return nil
				}
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				fls, err := store.ListFollowers(ctx, a.ID, "")
				if err != nil {
					return err
				}
				if len(fls) == 0 {
					fmt.Fprintf(app.Stdout, "Nobody follows %s yet.\n", a.Slug)
					return nil
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ACTOR\tSTATE\tSINCE")
				for _, f := range fls {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", f.ActorID, f.State, f.CreatedAt.Format("2006-01-02"))
				}
				return tw.Flush()
			}
		},
	})
}
