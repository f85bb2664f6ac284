package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// appPasswordAlphabet avoids look-alike characters (0/O, 1/l/I), since
// people type app passwords into phones.
const appPasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newAppPassword returns 4 groups of 6 characters: 24 characters of a
// 57-letter alphabet, about 140 bits of entropy.
func newAppPassword() string {
	var sb strings.Builder
	buf := make([]byte, 1)
	for i := 0; i < 24; i++ {
		if i > 0 && i%6 == 0 {
			sb.WriteByte('-')
		}
		for {
			if _, err := rand.Read(buf); err != nil {
				panic(err) // crypto/rand does not fail on supported systems
			}
			// Reject values that would bias the choice.
			if int(buf[0]) < 256-256%len(appPasswordAlphabet) {
				sb.WriteByte(appPasswordAlphabet[int(buf[0])%len(appPasswordAlphabet)])
				break
			}
		}
	}
	return sb.String()
}

func init() {
	register(&Command{
		Name:    "app-password add",
		Args:    "USERNAME",
		Summary: "create a password for one device or calendar app (shown once)",
		Help: `Generates a strong random password for one device (a phone, Thunderbird on a
laptop...) and prints it once, alone on standard output (the instructions go
to standard error): only its bcrypt hash is stored. Give each
device its own, so that a lost phone can be cut off with
"bastide app-password revoke" without changing anything else.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			name := fs.String("name", "", "`device` name, e.g. \"phone\" or \"thunderbird-laptop\" (required)")
			baseURL := fs.String("base-url", "", "public `URL` of the instance, to show the CalDAV address (optional)")
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
				u, err := getUser(ctx, store, args[0])
				if err != nil {
					return err
				}
				pw := newAppPassword()
				hash, err := db.HashPassword(pw)
				if err != nil {
					return err
				}
				if err := store.AddAppPassword(ctx, &model.AppPassword{UserID: u.ID, Name: *name, Hash: hash}); err != nil {
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
	register(&Command{
		Name:    "app-password revoke",
		Args:    "USERNAME",
		Summary: "delete one device's app password",
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			name := fs.String("name", "", "`device` name given at creation (required; see app-password list)")
			return func(ctx context.Context, app *App, args []string) error {
				if *name == "" {
					return usagef("--name is required: the device whose password to revoke (see `bastide app-password list %s`)", args[0])
				}
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				u, err := getUser(ctx, store, args[0])
				if err != nil {
					return err
				}
				if err := store.RevokeAppPassword(ctx, u.ID, *name); err != nil {
					if errors.Is(err, db.ErrNotFound) {
						return fmt.Errorf("%s has no app password named %q: see `bastide app-password list %s`", u.Username, *name, u.Username)
					}
					return err
				}
				fmt.Fprintf(app.Stdout, "Revoked the app password %q of %s.\n", *name, u.Username)
				return nil
			}
		},
	})
	register(&Command{
		Name:    "app-password list",
		Args:    "USERNAME",
		Summary: "list a user's app passwords (names and dates, never the passwords)",
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				u, err := getUser(ctx, store, args[0])
				if err != nil {
					return err
				}
				aps, err := store.ListAppPasswords(ctx, u.ID)
				if err != nil {
					return err
				}
				if len(aps) == 0 {
					fmt.Fprintf(app.Stdout, "%s has no app passwords.\n", u.Username)
					return nil
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "DEVICE\tCREATED\tLAST USED")
				for _, p := range aps {
					last := "never"
					if !p.LastUsedAt.IsZero() {
						last = p.LastUsedAt.Format("2006-01-02 15:04 MST")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, p.CreatedAt.Format("2006-01-02 15:04 MST"), last)
				}
				return tw.Flush()
			}
		},
	})
}
