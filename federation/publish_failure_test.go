package federation

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// One event that cannot be published is recorded with its error and
// retried with backoff; the events after it in the change log go out
// meanwhile, and it goes out too once it can.
func TestFailedEventDoesNotStopThePublisher(t *testing.T) {
	ctx := context.Background()
	clock := &offsetClock{}
	var mu sync.Mutex
	broken := map[string]bool{}
	in := newInstance(t, func(c *Config) {
		c.Now = clock.Now
		c.failPublish = func(uuid string) error {
			mu.Lock()
			defer mu.Unlock()
			if broken[uuid] {
				return errors.New("cannot build the object")
			}
			return nil
		}
	})
	assoc, cal := dbtest.Association(t, in.store, "club")
	rcv := newReceiver(t)
	rcv.follow(t, in.store, assoc.ID, "ann")

	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	bad := dbtest.Event(cal.ID, "bad", start, "Loto")
	bad.UUID = "0b7c2c5e-0000-4000-8000-00000000000b"
	mu.Lock()
	broken[bad.UUID] = true
	mu.Unlock()
	if _, err := in.store.PutEvent(ctx, db.Put{Event: bad}); err != nil {
		t.Fatal(err)
	}
	good := dbtest.Event(cal.ID, "good", start.Add(time.Hour), "Concert")
	if _, err := in.store.PutEvent(ctx, db.Put{Event: good}); err != nil {
		t.Fatal(err)
	}
	goodID, badID := in.fed.URIs().EventID(good.UUID), in.fed.URIs().EventID(bad.UUID)
	eventually(t, 20*time.Second, "the event after the failing one at the follower", func() bool { return rcv.shown()[goodID] == "Concert" })
	if _, ok := rcv.shown()[badID]; ok {
		t.Fatal("the failing event was sent")
	}
	h, err := in.store.Health(ctx, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if h.PublishFailures != 1 || h.PublisherSeq != h.LastSeq {
		t.Fatalf("health: %d failures, cursor %d of %d; want 1 failure and the cursor past it", h.PublishFailures, h.PublisherSeq, h.LastSeq)
	}
	fails, _ := in.store.DuePublishFailures(ctx, clock.Now().Add(time.Hour), 10)
	if len(fails) != 1 || fails[0].UUID != bad.UUID || fails[0].LastError != "cannot build the object" {
		t.Fatalf("recorded failures: %+v", fails)
	}

	// Not retried before its time, even when the publisher wakes.
	mu.Lock()
	broken[bad.UUID] = false
	mu.Unlock()
	wake(in.fed.wakePublish)
	time.Sleep(200 * time.Millisecond)
	if _, ok := rcv.shown()[badID]; ok {
		t.Fatal("retried before the backoff")
	}
	// Once due, it goes out and the failure is forgotten.
	clock.Skip(time.Minute)
	wake(in.fed.wakePublish)
	eventually(t, 20*time.Second, "the once-failing event at the follower", func() bool { return rcv.shown()[badID] == "Loto" })
	eventually(t, 5*time.Second, "the failure forgotten", func() bool {
		h, err := in.store.Health(ctx, clock.Now())
		return err == nil && h.PublishFailures == 0
	})
}

// offsetClock runs with real time, ahead by what the test skips.
type offsetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *offsetClock) Skip(d time.Duration) { c.mu.Lock(); c.offset += d; c.mu.Unlock() }
