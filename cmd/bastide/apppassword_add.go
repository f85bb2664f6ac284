package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func init() {
	register(&Command{
		Name:    "app-password add",
		Args:    "USERNAME",
		Summary: "create a password for one device or calendar app (shown once)",
		Help: `Generates a strong random password for one device (a phone, Thunderbird on a
laptop...) and prints it once, alone on standard output (the instructions go
to standard error): only its SHA-256 is stored. Give each
device its own, so that a lost phone can be cut off with
"bastide app-password revoke" without changing anything else.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			name := fs.String("name", "", "`device` name, e.g. \"phone\" or \"thunderbird-laptop\" (required)")
			baseURL := fs.String("base-url", "", "public `URL` of the instance, to show the CalDAV address; default: the one serve recorded")
			return func(ctx context.Context, app *App, args []string) error {
				if strings.TrimSpace(*name) == "" {
					return usagef("--name is required: the device this password is for, e.g. --name phone")
				}
				if len(*name) > model.MaxNameLen {
					return usagef("--name is too long (at most %d bytes)", model.MaxNameLen)
				}
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				if *baseURL, err = instanceBaseURL(ctx, store, *baseURL, false); err != nil {
					return err
				}
				u, err := getUser(ctx, store, args[0])
				if err != nil {
					return err
				}
				pw := db.NewAppPassword()
				if err := store.AddAppPassword(ctx, &model.AppPassword{UserID: u.ID, Name: *name, Hash: db.HashAppPassword(pw)}); err != nil {
					if errors.Is(err, db.ErrConflict) {
						return fmt.Errorf("%s already has an app password named %q: revoke it first or choose another name", u.Username, *name)
					}
					return err
				}
				server := "this instance's address followed by /dav/, e.g. https://agenda.example.org/dav/ (or give --base-url)"
				if *baseURL != "" {
					server = strings.TrimRight(*baseURL, "/") + "/dav/"
				}
				// The password alone on standard output (PW=$(bastide
				// app-password add ...) works), the explanation on standard
				// error.
				fmt.Fprintf(app.Stderr, "App password for %s on %q (shown only this once):\n", u.Username, *name)
				fmt.Fprintln(app.Stdout, pw)
				fmt.Fprintf(app.Stderr, `In the calendar app (DAVx5, Thunderbird, Apple Calendar, GNOME Calendar...),
add a CalDAV account with:
    server:   %s
    username: %s
    password: the one above
`, server, u.Username)
				return nil
			}
		},
	})
}
