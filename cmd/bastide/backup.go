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
keeps writing, and it is compacted. To restore, stop serve and put the copy in
place of bastide.db in the data directory.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				dest := args[0]
				if _, err := os.Stat(dest); err == nil {
					return fmt.Errorf("%s already exists: choose a new file name (a backup never overwrites)", dest)
				}
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
