package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func init() {
	register(&Command{
		Name:    "backup",
		Args:    "PATH",
		Summary: "write a consistent copy of the database to PATH (safe while serve runs)",
		Help: `Copies the database into a new file PATH (which must not exist) with SQLite's
VACUUM INTO: the copy is one consistent snapshot even while "bastide serve"
keeps writing, and it is compacted. The copy is readable by its owner only
(it holds password hashes and private keys). To restore, stop serve and put
the copy in place of bastide.db in the data directory: calendar apps are then
told to sync again from scratch (the copy's sync tokens differ).`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				dest := args[0]
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				start := time.Now()
				if err := store.Backup(ctx, dest); err != nil {
					return err
				}
				fi, err := os.Stat(dest)
				if err != nil {
					return err
				}
				fmt.Fprintf(app.Stdout, "Backup of %s written to %s (%s) in %s.\n", store.Path(), dest, humanSize(fi.Size()), time.Since(start).Round(time.Millisecond))
				return nil
			}
		},
	})
}
