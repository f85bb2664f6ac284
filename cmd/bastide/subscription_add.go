package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

func init() {
	register(&Command{
		Name:    "subscription add",
		Args:    "ASSOCIATION URL",
		Summary: "make a calendar of an association follow an ICS feed (Google Calendar, Nextcloud, Mobilizon...)",
		Help: `Makes the calendar --calendar of ASSOCIATION follow the iCalendar feed at URL
(http, https or webcal). bastide serve fetches it every --every (default 1h,
at least 5m), with conditional requests, and keeps the calendar equal to the
feed: new events are added, changed ones updated, and the ones that leave
the feed deleted. The feed is the calendar's source of truth: the calendar
becomes read-only in calendar apps and in the back office. The calendar is
created if it does not exist (default name: after the feed's server); an
existing calendar must be empty, since the feed would replace its events.`,
		MinArgs: 2, MaxArgs: 2,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			cal := fs.String("calendar", "", "`slug` of the calendar; default: after the feed's server, e.g. calendar-google")
			name := fs.String("name", "", "`name` of the calendar if it is created (default: the slug)")
			every := fs.Duration("every", model.DefaultSubscriptionInterval, "refresh `interval` (at least 5m)")
			public := fs.Bool("public", true, "make a calendar created here public (on the common agenda and the fediverse)")
			return func(ctx context.Context, app *App, args []string) error {
				feedURL, err := model.NormalizeFeedURL(args[1])
				if err != nil {
					return usagef("%s", err.Error())
				}
				if *every < model.MinSubscriptionInterval {
					return usagef("--every %s is too often: at least %s", *every, model.MinSubscriptionInterval)
				}
				slug := *cal
				if slug == "" {
					slug = slugFromHost(feedURL)
				}
				if !model.ValidSlug(slug) {
					return usagef("--calendar %q is not a valid slug: lower-case letters, digits and inner hyphens", slug)
				}
				store, a, err := app.openAssociation(ctx, args[0])
				if err != nil {
					return err
				}
				defer store.Close()
				sub := &model.Subscription{URL: feedURL, Interval: *every}
				c, created, err := store.SubscribeCalendar(ctx, a.ID, slug, *name, *public, sub)
				if err != nil {
					var ve *model.ValidationError
					switch {
					case errors.Is(err, db.ErrConflict):
						return fmt.Errorf("the calendar %q of %s already follows a feed: remove that subscription first (see `bastide subscription list %s`)", slug, a.Slug, a.Slug)
					case errors.As(err, &ve):
						return fmt.Errorf("%s: subscribe another calendar (--calendar NEW-SLUG)", ve.Msg)
					}
					return err
				}
				if created {
					fmt.Fprintf(app.Stdout, "Created the calendar %q of %s (public: %v).\n", c.Slug, a.Slug, c.Public)
				}
				fmt.Fprintf(app.Stdout, "Subscription %d: the calendar %q of %s follows %s, refreshed every %s by `bastide serve`; it is read-only in calendar apps.\n"+
					"Fetch it now with: bastide subscription refresh %s %d\n", sub.ID, c.Slug, a.Slug, sub.URL, sub.Interval, a.Slug, sub.ID)
				return nil
			}
		},
	})
}

// slugFromHost names a calendar after a feed's server: its host without
// "www." and without the top-level domain, e.g. calendar.google.com ->
// calendar-google.
func slugFromHost(feedURL string) string {
	u, err := url.Parse(feedURL)
	if err != nil {
		return "abonnement"
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if i := strings.LastIndexByte(host, '.'); i > 0 {
		host = host[:i]
	}
	var sb strings.Builder
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			sb.WriteRune(r)
		case sb.Len() > 0 && !strings.HasSuffix(sb.String(), "-"):
			sb.WriteByte('-')
		}
	}
	s := strings.Trim(sb.String(), "-")
	if len(s) > model.MaxSlugLen {
		s = strings.Trim(s[:model.MaxSlugLen], "-")
	}
	if s == "" {
		return "abonnement"
	}
	return s
}

// formatWhen shows a time for the CLI, or "never".
func formatWhen(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}
