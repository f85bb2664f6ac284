package main

import (
	"context"
	"flag"
	"fmt"
	"time"
)

func init() {
	register(&Command{
		Name:    "subscription refresh",
		Args:    "ASSOCIATION URL|ID",
		Summary: "fetch a subscribed ICS feed now and print what changed",
		Help: `Fetches the feed at once (a conditional request when it was fetched
before) and applies it as bastide serve would, then prints the report:
added, updated, unchanged, deleted and refused events. The exit status is 1
when the feed could not be read; the reason is recorded for the owners.`,
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			allowPrivate := fs.Bool("allow-private-addresses", false, "let the fetch reach loopback and private addresses (tests and development only)")
			return func(ctx context.Context, app *App, args []string) error {
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				sub, err := getSubscription(ctx, store, a, args[1])
				if err != nil {
					return err
				}
				r := &refresher{store: store, client: newFeedClient(*allowPrivate), log: app.Logger, now: time.Now}
				out, err := r.refresh(ctx, sub)
				if err != nil {
					return err
				}
				switch {
				case out.Err != nil:
					return fmt.Errorf("%s could not be refreshed: %s", sub.URL, describeFeedError(out.Code, out.Err.Error()))
				case out.NotModified:
					fmt.Fprintf(app.Stdout, "%s has not changed since the last refresh (the server said so).\n", sub.URL)
				case out.SameBody:
					fmt.Fprintf(app.Stdout, "%s has not changed since the last refresh (same content).\n", sub.URL)
				default:
					printReport(app.Stdout, out.Report, a.Slug)
					if out.Report.Deleted > 0 {
						fmt.Fprintf(app.Stdout, "Deleted %d events that left the feed.\n", out.Report.Deleted)
					}
				}
				return nil
			}
		},
	})
}
