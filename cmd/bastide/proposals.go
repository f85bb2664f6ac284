package main

import (
	"context"
	"flag"
	"fmt"
)

func init() {
	register(&Command{
		Name:    "proposals",
		Args:    "open|close|status",
		Summary: "open or close the public form where visitors propose events",
		Help: `Visitors may propose events at /proposer when proposals are open; each
proposal waits, pending, in the chosen association's public calendar until a
moderator approves it, and who proposed it stays private. Closed by default.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				var open bool
				switch args[0] {
				case "open":
					open = true
				case "close":
				case "status":
				default:
					return usagef("say open, close or status, not %q", args[0])
				}
				store, err := app.OpenStore(ctx, args[0] == "status")
				if err != nil {
					return err
				}
				defer store.Close()
				if args[0] != "status" {
					if err := store.SetProposalsOpen(ctx, open); err != nil {
						return err
					}
				}
				open, err = store.ProposalsOpen(ctx)
				if err != nil {
					return err
				}
				if open {
					fmt.Fprintln(app.Stdout, "Proposals are open: visitors may propose events at /proposer.")
				} else {
					fmt.Fprintln(app.Stdout, "Proposals are closed.")
				}
				return nil
			}
		},
	})
}
