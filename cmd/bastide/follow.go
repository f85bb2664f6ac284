package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation"
)

// fedFlags are the settings federation commands share with serve: the ids
// they write derive from the base URL.
type fedFlags struct {
	baseURL      string
	allowPrivate bool
}

func (f *fedFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.baseURL, "base-url", "", "public `URL` of this instance; default: the one serve recorded at its first start")
	fs.BoolVar(&f.allowPrivate, "allow-private-addresses", false, "let federation reach loopback and private addresses (tests and development only)")
}

// open opens the store and the federation side over it.
func (f *fedFlags) open(ctx context.Context, app *App) (*db.Store, *federation.Federation, error) {
	store, err := app.OpenStore(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	baseURL, err := instanceBaseURL(ctx, store, f.baseURL, false)
	if err == nil && baseURL == "" {
		err = usagef("this instance has no base URL yet: start `bastide serve --base-url URL` once, or give --base-url (BASTIDE_BASE_URL) with the URL serve will run with, since ActivityPub ids derive from it")
	}
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	fed, err := federation.New(store, app.Logger, federationConfig(baseURL, f.allowPrivate))
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, fed, nil
}

func init() {
	register(&Command{
		Name:    "follow",
		Args:    "@group@host | URL",
		Summary: "follow a Mobilizon group or instance relay; its events land in a remote calendar",
		Help: `Sends a Follow from this instance's relay to a remote source: a Mobilizon
group given as @group@host or by its URL (https://host/@group), or a whole
Mobilizon instance by its relay URL (https://host/relay; the Mobilizon admin
must accept it). The source's events are stored in a remote calendar of
their own: its upcoming events are fetched at once (Mobilizon pushes nothing
past), new ones arrive as they are published, and the source is polled
again every few hours. Events of a --trusted source show on the agenda at
once; others wait for moderation. The Follow is delivered by bastide serve.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			var ff fedFlags
			ff.register(fs)
			trusted := fs.Bool("trusted", false, "approve this source's events automatically")
			return func(ctx context.Context, app *App, args []string) error {
				store, fed, err := ff.open(ctx, app)
				if err != nil {
					return err
				}
				defer store.Close()
				fl, a, err := fed.Follow(ctx, args[0], *trusted)
				if err != nil {
					return err
				}
				cal, err := store.GetCalendar(ctx, fl.CalendarID)
				if err != nil {
					return err
				}
				trust := "pending moderation"
				if fl.Trusted {
					trust = "approved automatically (trusted)"
				}
				fmt.Fprintf(app.Stdout, "Following %s (%s %q).\nIts events go to the remote calendar %q, %s.\nThe Follow is sent by `bastide serve`; `bastide follows` shows when it is accepted.\n",
					a.APID, a.Type, a.PreferredUsername, cal.Slug, trust)
				return nil
			}
		},
	})
	register(&Command{
		Name:    "unfollow",
		Args:    "ACTOR-URL",
		Summary: "stop following a remote source (its calendar and events stay)",
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			var ff fedFlags
			ff.register(fs)
			return func(ctx context.Context, app *App, args []string) error {
				store, fed, err := ff.open(ctx, app)
				if err != nil {
					return err
				}
				defer store.Close()
				if err := fed.Unfollow(ctx, args[0]); err != nil {
					if errors.Is(err, db.ErrNotFound) {
						return fmt.Errorf("this instance does not follow %s: see `bastide follows`", args[0])
					}
					return err
				}
				fmt.Fprintf(app.Stdout, "No longer following %s.\n", args[0])
				return nil
			}
		},
	})
	register(&Command{
		Name:    "follows",
		Summary: "list the remote sources this instance follows",
		MinArgs: 0, MaxArgs: 0,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			return func(ctx context.Context, app *App, args []string) error {
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				fls, err := store.ListFollows(ctx)
				if err != nil {
					return err
				}
				if len(fls) == 0 {
					fmt.Fprintln(app.Stdout, "This instance follows no remote source; add one with `bastide follow`.")
					return nil
				}
				tw := tabwriter.NewWriter(app.Stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SOURCE\tSTATE\tTRUSTED\tLAST POLLED")
				for _, fl := range fls {
					polled := "never"
					if !fl.RefreshedAt.IsZero() {
						polled = fl.RefreshedAt.Format("2006-01-02 15:04 MST")
					}
					fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", fl.Object, fl.State, fl.Trusted, polled)
				}
				return tw.Flush()
			}
		},
	})
}
