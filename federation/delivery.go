package federation

import (
	"context"
	"crypto/rsa"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/bastide47/bastide/db"
)

// maxRetryDelay caps the exponential backoff of deliveries.
const maxRetryDelay = 24 * time.Hour

// signerFor returns the private key and key id of the relay (0) or of an
// association's Group.
func (f *Federation) signerFor(ctx context.Context, associationID int64) (*rsa.PrivateKey, string, error) {
	if associationID == 0 {
		k, _, err := f.keys.relay(ctx)
		return k, f.uris.KeyID(f.uris.RelayID()), err
	}
	k, _, err := f.keys.association(ctx, associationID)
	if err != nil {
		return nil, "", err
	}
	slug, err := f.keys.slug(ctx, associationID)
	if err != nil {
		return nil, "", err
	}
	return k, f.uris.KeyID(f.uris.ActorID(slug)), nil
}

// retryDelay is the wait after the n-th failed attempt: RetryBase doubled
// each time, capped at 24 h, with ±10 % jitter.
func (f *Federation) retryDelay(attempts int) time.Duration {
	d := f.cfg.RetryBase
	for i := 1; i < attempts && d < maxRetryDelay; i++ {
		d *= 2
	}
	if d > maxRetryDelay {
		d = maxRetryDelay
	}
	j := time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	return d + j
}

// permanent reports whether an HTTP status means the delivery can never
// succeed.
func permanent(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusGone, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// deliver makes one attempt and records its outcome.
func (f *Federation) deliver(ctx context.Context, d *db.Delivery) {
	start := time.Now()
	key, keyID, err := f.signerFor(ctx, d.AssociationID)
	status := 0
	if err == nil {
		status, err = f.client.Post(ctx, d.Inbox, d.Body, func(r *http.Request) error {
			r.Header.Set("Content-Type", "application/activity+json")
			return signRequest(r, key, keyID, d.Body, f.cfg.Now())
		})
		if err == nil && (status < 200 || status > 299) {
			err = fmt.Errorf("HTTP %d", status)
		}
	}
	if ctx.Err() != nil {
		return // cut at the end of the shutdown grace: the row stays pending and is retried on restart
	}
	attempts := d.Attempts + 1
	log := f.log.With("inbox", d.Inbox, "activity", d.ActivityAPID, "attempt", attempts, "status", status,
		"duration_ms", time.Since(start).Milliseconds())
	state, next, msg := db.DeliveryDone, f.cfg.Now(), ""
	switch {
	case err == nil:
		log.DebugContext(ctx, "federation: delivered")
		f.inboxAnswered(ctx, d)
	case permanent(status) || attempts >= f.cfg.MaxDeliveryAttempts:
		state, msg = db.DeliveryDead, err.Error()
		log.WarnContext(ctx, "federation: delivery dead", "err", err)
		f.failingMu.Lock()
		delete(f.failing, d.Inbox) // a dead inbox is not waited for
		f.failingMu.Unlock()
	default:
		state, msg = db.DeliveryPending, err.Error()
		next = f.cfg.Now().Add(f.retryDelay(attempts))
		f.failingMu.Lock()
		f.failing[d.Inbox] = true
		f.failingMu.Unlock()
		log.WarnContext(ctx, "federation: delivery failed, will retry", "err", err, "next_at", next)
	}
	if err := f.store.FinishDelivery(context.WithoutCancel(ctx), d.ID, state, attempts, next, status, msg); err != nil {
		f.log.ErrorContext(ctx, "federation: record delivery", "err", err)
	}
}

// inboxAnswered, after a delivery to an inbox that had failed (this one
// or another since this process started) succeeded, makes what waits for
// that inbox in backoff due now: the receiver is back.
func (f *Federation) inboxAnswered(ctx context.Context, d *db.Delivery) {
	f.failingMu.Lock()
	was := f.failing[d.Inbox]
	delete(f.failing, d.Inbox)
	f.failingMu.Unlock()
	if !was && d.Attempts == 0 {
		return
	}
	n, err := f.store.RetryInboxNow(context.WithoutCancel(ctx), d.Inbox, f.cfg.Now())
	if err != nil {
		f.log.ErrorContext(ctx, "federation: retry deliveries now", "inbox", d.Inbox, "err", err)
		return
	}
	if n > 0 {
		f.log.InfoContext(ctx, "federation: inbox answers again, retrying what waited for it", "inbox", d.Inbox, "deliveries", n)
		wake(f.wakeDeliver)
	}
}

// runDelivery claims due deliveries and sends them, at most
// DeliveryWorkers at once and PerHostConcurrency per host, so that a slow
// or dead host only ever holds its own slots, and one at a time per
// (inbox, object), so that an inbox gets an object's activities in order
// (the store holds back those behind a pending one). When ctx is done it
// claims nothing more and lets the deliveries in flight finish, for at
// most ShutdownGrace, so that a restart does not send them again.
func (f *Federation) runDelivery(ctx context.Context) {
	var (
		mu       sync.Mutex
		inflight = map[int64]bool{}
		perHost  = map[string]int{}
		// busy holds the (inbox, object) pairs in flight: a newer
		// activity of the object waits for the older one to be answered,
		// even when the older one was superseded meanwhile.
		busy  = map[string]bool{}
		wg    sync.WaitGroup
		freed = make(chan struct{}, 1)
		// finished remembers when each delivery ended: a row read by a
		// query that started before that is stale and must not be sent again.
		finished = map[int64]time.Time{}
	)
	// Deliveries in flight outlive ctx by ShutdownGrace at most.
	sendCtx, cancelSend := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSend()
	stopGrace := context.AfterFunc(ctx, func() { time.AfterFunc(f.cfg.ShutdownGrace, cancelSend) })
	defer stopGrace()
	key := func(d *db.Delivery) string {
		if d.Object == "" {
			return ""
		}
		return d.Inbox + "\x00" + d.Object
	}
	tick := time.NewTicker(f.cfg.PollInterval)
	defer tick.Stop()
	for {
		mu.Lock()
		room := f.cfg.DeliveryWorkers - len(inflight)
		exclude := make(map[int64]bool, len(inflight))
		for id := range inflight {
			exclude[id] = true
		}
		var full []string
		for h, n := range perHost {
			if n >= f.cfg.PerHostConcurrency {
				full = append(full, h)
			}
		}
		for id, at := range finished {
			if time.Since(at) > time.Minute {
				delete(finished, id)
			}
		}
		mu.Unlock()
		if room > 0 {
			queried := time.Now()
			ds, err := f.store.DueDeliveries(ctx, f.cfg.Now(), room*4, exclude, full)
			if err != nil && ctx.Err() == nil {
				f.log.ErrorContext(ctx, "federation: due deliveries", "err", err)
			}
			for _, d := range ds {
				k := key(d)
				mu.Lock()
				if at, ok := finished[d.ID]; (ok && !at.Before(queried)) || inflight[d.ID] || (k != "" && busy[k]) ||
					len(inflight) >= f.cfg.DeliveryWorkers || perHost[d.Host] >= f.cfg.PerHostConcurrency {
					mu.Unlock()
					continue
				}
				inflight[d.ID] = true
				perHost[d.Host]++
				if k != "" {
					busy[k] = true
				}
				mu.Unlock()
				wg.Add(1)
				go func(d *db.Delivery) {
					defer wg.Done()
					f.deliver(sendCtx, d)
					mu.Lock()
					finished[d.ID] = time.Now()
					delete(inflight, d.ID)
					delete(busy, k)
					if perHost[d.Host]--; perHost[d.Host] <= 0 {
						delete(perHost, d.Host)
					}
					mu.Unlock()
					wake(freed)
				}(d)
			}
		}
		select {
		case <-ctx.Done():
			mu.Lock()
			n := len(inflight)
			mu.Unlock()
			if n > 0 {
				f.log.InfoContext(ctx, "federation: letting deliveries in flight finish", "deliveries", n,
					"grace_ms", f.cfg.ShutdownGrace.Milliseconds())
			}
			wg.Wait()
			return
		case <-f.wakeDeliver:
		case <-freed:
		case <-tick.C:
		}
	}
}
