package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/remote"
)

// Bounds of an ICS feed fetch.
const (
	feedMaxBody      = 20 << 20
	feedTimeout      = 60 * time.Second
	feedReadIdle     = 20 * time.Second
	feedMaxRedirects = 5
	// feedCheckTimeout bounds the name lookup of the subscription form.
	feedCheckTimeout = 5 * time.Second
	// subscriptionTick is how often the worker looks for due feeds.
	subscriptionTick = 30 * time.Second
	// subscriptionsPerTick bounds the feeds refreshed in one tick.
	subscriptionsPerTick = 20
)

// newFeedClient is the client of ICS subscriptions: federation's guarded
// client with the caps of a calendar feed.
func newFeedClient(allowPrivate bool) *remote.Client {
	ver, _, _ := buildInfo()
	return remote.New(remote.Options{AllowPrivate: allowPrivate, AllowHTTP: true, Timeout: feedTimeout, ReadIdle: feedReadIdle,
		MaxBody: feedMaxBody, MaxRedirects: feedMaxRedirects,
		UserAgent: "Bastide/" + ver + " (ICS subscription; +https://github.com/bastide47/bastide)"})
}

// refresher refreshes subscriptions: fetch, compare, apply through
// db/load, record the outcome.
type refresher struct {
	store  *db.Store
	client *remote.Client
	log    *slog.Logger
	now    func() time.Time
	// progress, when set, is told after each batch written (tests).
	progress func(done, total int)
	// wake, when set, makes the worker look for due feeds at once ("refresh
	// now" in the back office) instead of at its next tick.
	wake chan struct{}
	// tick is how often the worker looks for due feeds (default
	// subscriptionTick).
	tick time.Duration
}

// newRefresher is serve's refresher, ready to be woken.
func newRefresher(store *db.Store, client *remote.Client, log *slog.Logger) *refresher {
	return &refresher{store: store, client: client, log: log, now: time.Now, wake: make(chan struct{}, 1)}
}

// Wake tells the worker that a subscription is due now; it never blocks.
func (r *refresher) Wake() {
	select {
	case r.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// refreshOutcome is what one refresh did.
type refreshOutcome struct {
	// NotModified: a 304. SameBody: a 200 with the body last applied.
	NotModified bool
	SameBody    bool
	Report      *load.Report
	// Code and Err describe a failure (recorded on the subscription).
	Code string
	Err  error
}

// refresh fetches one subscription's feed and applies it. A failure is
// recorded on the subscription (and returned in the outcome); err is
// only for a refresh that could not even be recorded, or was cancelled
// (then nothing is recorded: the next run does it again, and applying is
// idempotent by UID).
func (r *refresher) refresh(ctx context.Context, sub *model.Subscription) (*refreshOutcome, error) {
	out, err := r.fetchAndApply(ctx, sub)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	at := r.now().UTC()
	if err != nil {
		out.Err = err
		if out.Code == "" {
			out.Code = feedErrorCode(err)
		}
		if err := r.store.SubscriptionFailure(ctx, sub.ID, out.Code, err.Error(), at); err != nil {
			return nil, err
		}
		return out, nil
	}
	return out, nil
}

func (r *refresher) fetchAndApply(ctx context.Context, sub *model.Subscription) (*refreshOutcome, error) {
	out := &refreshOutcome{}
	cal, err := r.store.GetCalendar(ctx, sub.CalendarID)
	if err != nil {
		out.Code = model.FeedErrStore
		return out, err
	}
	a, err := r.store.GetAssociation(ctx, cal.AssociationID)
	if err != nil {
		out.Code = model.FeedErrStore
		return out, err
	}
	feed, err := r.client.GetFeed(ctx, sub.URL, sub.ETag, sub.LastModified)
	if err != nil {
		return out, err
	}
	if feed.NotModified {
		out.NotModified = true
		return out, r.store.SubscriptionSuccess(ctx, sub.ID, feed.ETag, feed.LastModified, "", r.now().UTC())
	}
	sum := sha256.Sum256(feed.Body)
	hash := hex.EncodeToString(sum[:])
	if hash == sub.BodySHA256 {
		// A server that ignores conditional requests: the same body
		// again costs a hash, no parsing.
		out.SameBody = true
		return out, r.store.SubscriptionSuccess(ctx, sub.ID, feed.ETag, feed.LastModified, "", r.now().UTC())
	}
	rep, err := load.ICS(ctx, r.store, a, feed.Body, load.Options{Feed: cal, Now: r.now(), Progress: r.progress})
	if err != nil {
		var nc *load.NotCalendarError
		if errors.As(err, &nc) {
			out.Code = model.FeedErrBadCalendar
		} else {
			out.Code = model.FeedErrStore
		}
		return out, err
	}
	out.Report = rep
	// The validators and the hash are recorded only now, once the whole
	// feed is applied: a refresh cut short is done again in full.
	return out, r.store.SubscriptionSuccess(ctx, sub.ID, feed.ETag, feed.LastModified, hash, r.now().UTC())
}

// feedErrorCode sorts a fetch failure into the codes the pages translate.
func feedErrorCode(err error) string {
	var se *remote.StatusError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		switch se.Code {
		case http.StatusNotFound, http.StatusGone:
			return model.FeedErrNotFound
		case http.StatusUnauthorized, http.StatusForbidden:
			return model.FeedErrAuth
		}
		return model.FeedErrStatus
	case errors.Is(err, remote.ErrForbiddenAddr), errors.Is(err, remote.ErrScheme):
		return model.FeedErrAddress
	case errors.Is(err, remote.ErrTooManyRedirects):
		return model.FeedErrRedirects
	case errors.Is(err, remote.ErrTooLarge):
		return model.FeedErrTooLarge
	case errors.Is(err, remote.ErrNotCalendar):
		return model.FeedErrNotCalendar
	case errors.Is(err, remote.ErrTimeout), errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return model.FeedErrTimeout
	}
	return model.FeedErrNetwork
}

// runDue refreshes the subscriptions that are due, one after the other.
func (r *refresher) runDue(ctx context.Context) {
	subs, err := r.store.DueSubscriptions(ctx, r.now().UTC(), subscriptionsPerTick)
	if err != nil {
		if ctx.Err() == nil {
			r.log.ErrorContext(ctx, "subscriptions: list due", "err", err)
		}
		return
	}
	for _, sub := range subs {
		start := time.Now()
		out, err := r.refresh(ctx, sub)
		if err != nil {
			if ctx.Err() == nil {
				r.log.ErrorContext(ctx, "subscription refresh failed", "subscription_id", sub.ID, "url", sub.URL, "err", err)
			}
			return
		}
		r.logOutcome(ctx, sub, out, time.Since(start))
	}
}

func (r *refresher) logOutcome(ctx context.Context, sub *model.Subscription, out *refreshOutcome, d time.Duration) {
	attrs := []any{"subscription_id", sub.ID, "calendar_id", sub.CalendarID, "url", sub.URL, "duration_ms", d.Milliseconds()}
	switch {
	case out.Err != nil:
		r.log.WarnContext(ctx, "subscription refresh failed", append(attrs, "code", out.Code, "err", out.Err)...)
	case out.Report != nil:
		rep := out.Report
		r.log.InfoContext(ctx, "subscription refreshed", append(attrs, "added", rep.Added, "updated", rep.Updated,
			"unchanged", rep.Unchanged, "deleted", rep.Deleted, "replaced", rep.Replaced, "refused", len(rep.Refused))...)
	default:
		r.log.DebugContext(ctx, "subscription unchanged", append(attrs, "not_modified", out.NotModified)...)
	}
}

// subscriptionWorker is serve's loop over due subscriptions; it stops with
// ctx.
func subscriptionWorker(r *refresher) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		tick := r.tick
		if tick <= 0 {
			tick = subscriptionTick
		}
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			r.runDue(ctx)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
			case <-r.wake: // nil without newRefresher: never ready
			}
		}
	}
}

// feedURLCheck is the subscription form's check of a feed address: the
// address rule of the feed client (scheme, and no private or loopback
// address unless allowed), asked before the subscription is saved. A
// name that does not resolve now is let through: the worker's first
// refresh tells the owner in words.
func feedURLCheck(client *remote.Client) func(ctx context.Context, feedURL string) error {
	return func(ctx context.Context, feedURL string) error {
		if err := client.CheckURL(feedURL); err != nil {
			return err
		}
		if client.AllowPrivate() {
			return nil
		}
		u, err := url.Parse(feedURL)
		if err != nil {
			return err
		}
		host := u.Hostname()
		var addrs []netip.Addr
		if ip, err := netip.ParseAddr(host); err == nil {
			addrs = []netip.Addr{ip}
		} else {
			ctx, cancel := context.WithTimeout(ctx, feedCheckTimeout)
			defer cancel()
			if addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host); err != nil {
				return nil
			}
		}
		for _, ip := range addrs {
			if !remote.AllowedAddr(ip) {
				return fmt.Errorf("%w: %s is %s", remote.ErrForbiddenAddr, host, ip)
			}
		}
		return nil
	}
}

// describeFeedError is the owner's sentence for a failure.
func describeFeedError(code, detail string) string {
	if s := model.FeedErrorText(code); s != "" {
		return fmt.Sprintf("%s (%s)", s, detail)
	}
	return detail
}
