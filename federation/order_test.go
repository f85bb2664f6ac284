package federation

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// receiver is an inbox that keeps what a Mobilizon instance would show:
// a Create makes an object unless it exists, an Update overwrites it (or
// makes it: Mobilizon fetches an unknown one and creates it, reference
// §5.4), a Delete removes it. It records every activity it took, in
// order, and answers 503 while it is down.
type receiver struct {
	srv  *httptest.Server
	down atomic.Bool
	mu   sync.Mutex
	got  []map[string]any
	// names is what the receiver shows: object id → name.
	names   map[string]string
	refused atomic.Int32
	// at records when each activity id arrived.
	at map[string]time.Time
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{names: map[string]string{}, at: map[string]time.Time{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) inbox() string { return r.srv.URL + "/inbox" }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	b, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil || req.Method != http.MethodPost {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if r.down.Load() {
		r.refused.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	act, err := mobilizon.Decode(b)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, act)
	r.at[mobilizon.IDOf(act)] = time.Now()
	obj, _ := act["object"].(map[string]any)
	id := mobilizon.IDOf(act["object"])
	switch act["type"] {
	case "Create":
		if _, ok := r.names[id]; !ok {
			r.names[id], _ = obj["name"].(string)
		}
	case "Update":
		r.names[id], _ = obj["name"].(string)
	case "Delete":
		delete(r.names, id)
	}
	w.WriteHeader(http.StatusAccepted)
}

// shown returns what the receiver shows, object id → name.
func (r *receiver) shown() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.names))
	for k, v := range r.names {
		out[k] = v
	}
	return out
}

// story returns the types of the activities received about one object,
// in order of arrival.
func (r *receiver) story(objectID string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, a := range r.got {
		if mobilizon.IDOf(a["object"]) == objectID {
			out = append(out, fmt.Sprint(a["type"]))
		}
	}
	return out
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// follow makes the receiver's actor an accepted follower of the
// association (assocID) or of the relay (0), with its shared inbox.
func (r *receiver) follow(t testing.TB, s *db.Store, assocID int64, name string) {
	t.Helper()
	ctx := context.Background()
	actor := r.srv.URL + "/@" + name
	if err := s.PutRemoteActor(ctx, &db.RemoteActor{APID: actor, Type: "Application", Inbox: actor + "/inbox",
		SharedInbox: r.inbox()}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFollower(ctx, &db.Follower{AssociationID: assocID, ActorID: actor, FollowID: actor + "/follow/1",
		FollowJSON: `{}`, State: db.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
}

// storyOK reports what is wrong with the activities one object's inbox
// received, in order: nothing may come after a Delete, no Create after an
// Update, and an Announce only after the Create.
func storyOK(story []string) string {
	created, deleted := false, false
	for _, k := range story {
		switch {
		case deleted:
			return fmt.Sprintf("%s after the Delete (%v)", k, story)
		case k == "Create" && created:
			return fmt.Sprintf("a Create after the object was made (%v)", story)
		case k == "Announce" && !created:
			return fmt.Sprintf("an Announce before the Create (%v)", story)
		case k == "Delete":
			deleted = true
		case k == "Create" || k == "Update":
			created = true
		}
	}
	return ""
}

// pendingDelivery returns the attempts of the pending delivery of the
// activity about objectID of kind to inbox (0 if none).
func pendingAttempts(t testing.TB, s *db.Store, objectID, kind, inbox string) int {
	t.Helper()
	var n int
	err := s.Reader().QueryRow(`SELECT ifnull(max(d.attempts), 0) FROM deliveries d JOIN activities a ON a.id = d.activity_id
		WHERE d.state = 'pending' AND d.inbox = ? AND a.ap_id LIKE ? || '/activity/' || ? || '-%'`, inbox, objectID, kind).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func waitDrained(t testing.TB, s *db.Store) {
	t.Helper()
	eventually(t, 60*time.Second, "every delivery answered", func() bool {
		c, err := s.DeliveryCounts(context.Background())
		return err == nil && c[db.DeliveryPending] == 0
	})
}

// TestDeliveryOrderAfterOutage: a receiver down for a few seconds gets,
// once back, each object's activities in the order they were made or
// only the latest state. An Update made while an older one is in backoff
// never loses to it, and an event created while the receiver was down
// and deleted after it came back never shows there (the Create must not
// arrive after the Delete). The backoff is made long enough (RetryBase
// 1 s, three failed attempts: the next one is 4 s away) that the older
// activity is surely still waiting when the newer one is made.
func TestDeliveryOrderAfterOutage(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) { c.RetryBase = time.Second })
	assoc, cal := dbtest.Association(t, in.store, "club")
	rcv := newReceiver(t)
	rcv.follow(t, in.store, assoc.ID, "ann")
	rcv.follow(t, in.store, 0, "relay")

	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	put := func(uid, summary string) *model.Event {
		t.Helper()
		ev := dbtest.Event(cal.ID, uid, start, summary)
		if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	concert := put("concert", "Concert v1")
	concertID := in.fed.URIs().EventID(concert.UUID)
	eventually(t, 20*time.Second, "the Create and the Announce of the concert", func() bool {
		return len(rcv.story(concertID)) == 2
	})

	rcv.down.Store(true)
	put("concert", "Concert v2")
	bal := put("bal", "Bal v1")
	balID := in.fed.URIs().EventID(bal.UUID)
	eventually(t, 30*time.Second, "three failed attempts of the Update and of the Create", func() bool {
		return pendingAttempts(t, in.store, concertID, "update", rcv.inbox()) >= 3 &&
			pendingAttempts(t, in.store, balID, "create", rcv.inbox()) >= 3
	})
	rcv.down.Store(false)
	put("concert", "Concert v3")
	if _, err := in.store.DeleteEvent(ctx, cal.ID, bal.Href, ""); err != nil {
		t.Fatal(err)
	}
	waitDrained(t, in.store)

	shown := rcv.shown()
	if shown[concertID] != "Concert v3" {
		t.Errorf("the receiver shows %q for the concert, want the latest state, Concert v3 (received %v)",
			shown[concertID], rcv.story(concertID))
	}
	if name, ok := shown[balID]; ok {
		t.Errorf("the receiver shows the deleted bal as %q (received %v)", name, rcv.story(balID))
	}
	for _, id := range []string{concertID, balID} {
		if msg := storyOK(rcv.story(id)); msg != "" {
			t.Errorf("%s: %s", id, msg)
		}
	}
}

// outageFigures is what runOutage measured.
type outageFigures struct {
	// upSeen is how long the receiver that stayed up took to show the
	// latest state of the 20 events, from the first change.
	upSeen time.Duration
	// catchUp is how long the receiver back from its outage took to show
	// the same, from the moment it came back.
	catchUp time.Duration
	// upRequests and backRequests count what each receiver took.
	upRequests, backRequests int
}

// runOutage makes 100 changes to 20 events while one of two followers is
// down, then brings it back; it fails tb if the follower that is up waits
// for the one that is down, or if the one back from its outage does not
// end with exactly the latest state of each event, each object's story
// in order.
func runOutage(tb testing.TB) outageFigures {
	tb.Helper()
	ctx := context.Background()
	in := newInstance(tb, func(c *Config) { c.RetryBase = 100 * time.Millisecond })
	assoc, cal := dbtest.Association(tb, in.store, "club")
	down, up := newReceiver(tb), newReceiver(tb)
	down.follow(tb, in.store, assoc.ID, "ann")
	up.follow(tb, in.store, assoc.ID, "bob")
	down.down.Store(true)

	var fig outageFigures
	t0 := time.Now()
	start := t0.Add(72 * time.Hour).Truncate(time.Minute)
	want := map[string]string{}
	for i := 0; i < 100; i++ {
		n := i % 20
		summary := fmt.Sprintf("Événement %d v%d", n, i/20+1)
		ev := dbtest.Event(cal.ID, fmt.Sprintf("ev-%d", n), start.Add(time.Duration(n)*time.Hour), summary)
		if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			tb.Fatal(err)
		}
		want[in.fed.URIs().EventID(ev.UUID)] = summary
		if i%10 == 9 {
			// The changes reach the publisher in several rounds, as a
			// day of edits would; the follower that is up gets each
			// round while the other one is still down.
			eventually(tb, 20*time.Second, "the follower that is up to get the round", func() bool { return sameShown(up.shown(), want) })
		}
	}
	fig.upSeen = time.Since(t0)
	if down.count() != 0 || down.refused.Load() == 0 {
		tb.Fatalf("the receiver that is down took %d activities, refused %d", down.count(), down.refused.Load())
	}
	down.down.Store(false)
	t1 := time.Now()
	eventually(tb, 60*time.Second, "the follower back from its outage to show the latest state", func() bool { return sameShown(down.shown(), want) })
	fig.catchUp = time.Since(t1)
	waitDrained(tb, in.store)
	if got := down.shown(); !sameShown(got, want) {
		tb.Errorf("after the outage the receiver shows %v, want %v", got, want)
	}
	for id := range want {
		if msg := storyOK(down.story(id)); msg != "" {
			tb.Errorf("%s: %s", id, msg)
		}
	}
	fig.upRequests, fig.backRequests = up.count(), down.count()
	return fig
}

// TestDeliveryOutageManyChanges: 100 changes to 20 events while one of
// two followers is down. The other gets every change before the down one
// is back (it never waits for it); the down one, once back, ends with
// exactly the latest state of each event, each object's story in order,
// and fewer requests than changes (superseded Updates are not sent).
func TestDeliveryOutageManyChanges(t *testing.T) {
	fig := runOutage(t)
	if fig.backRequests >= 100 {
		t.Errorf("the receiver back from its outage got %d requests for 100 changes: superseded Updates were sent", fig.backRequests)
	}
	t.Logf("receiver up: %d requests; receiver back from its outage: %d requests for 100 changes to 20 events",
		fig.upRequests, fig.backRequests)
}

// BenchmarkOutageCatchUp measures runOutage: how long the follower that
// stayed up took to show the 100 changes, how long the one back from its
// outage took to catch up, and the requests each got.
func BenchmarkOutageCatchUp(b *testing.B) {
	var fig outageFigures
	for b.Loop() {
		fig = runOutage(b)
	}
	b.ReportMetric(fig.upSeen.Seconds(), "s/up_follower_all_100")
	b.ReportMetric(fig.catchUp.Seconds(), "s/catch_up")
	b.ReportMetric(float64(fig.upRequests), "requests_up")
	b.ReportMetric(float64(fig.backRequests), "requests_after_outage")
}

func sameShown(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// TestActivityIDsCarryTheirObject: the store orders and supersedes
// deliveries by the object and kind it reads from the activity id; the
// activities the publisher makes must read back as the object they are
// about. Published, the event's Create is due and its Announce waits
// behind it; deleted, only the Delete is left.
func TestActivityIDsCarryTheirObject(t *testing.T) {
	ctx := context.Background()
	f, s, _, cal := goldenFixture(t)
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	obj := f.URIs().EventID(ev.UUID)
	due := func(want string) {
		t.Helper()
		if _, err := f.publishPending(ctx); err != nil {
			t.Fatal(err)
		}
		ds, err := s.DueDeliveries(ctx, time.Now().Add(time.Minute), 10, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range ds {
			if d.Object != obj {
				t.Errorf("%s is about %q, want %s", d.ActivityAPID, d.Object, obj)
			}
			got = append(got, d.ActivityAPID[strings.LastIndex(d.ActivityAPID, "/")+1:strings.LastIndex(d.ActivityAPID, "-")])
		}
		if strings.Join(got, " ") != want {
			t.Fatalf("due: %v, want %s", got, want)
		}
	}
	due("create")
	if _, err := s.DeleteEvent(ctx, cal.ID, ev.Href, ""); err != nil {
		t.Fatal(err)
	}
	due("delete")
}

// TestDeliveryCatchUpOnFirstSuccess: once an inbox answers again, what
// waits for it in backoff goes at once instead of at its own retry time
// (a minute here, hours after a long outage): the receiver back from its
// outage catches up as soon as one delivery to it succeeds.
func TestDeliveryCatchUpOnFirstSuccess(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) { c.RetryBase = time.Minute })
	assoc, cal := dbtest.Association(t, in.store, "club")
	rcv := newReceiver(t)
	rcv.follow(t, in.store, assoc.ID, "ann")
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	put := func(uid, summary string) string {
		t.Helper()
		ev := dbtest.Event(cal.ID, uid, start, summary)
		if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			t.Fatal(err)
		}
		return in.fed.URIs().EventID(ev.UUID)
	}
	rcv.down.Store(true)
	early := put("marche", "Marché")
	eventually(t, 20*time.Second, "a failed attempt", func() bool { return pendingAttempts(t, in.store, early, "create", rcv.inbox()) >= 1 })
	rcv.down.Store(false)
	late := put("bal", "Bal")
	eventually(t, 20*time.Second, "the new event at the receiver", func() bool { return rcv.shown()[late] == "Bal" })
	eventually(t, 20*time.Second, "the event that waited in backoff, well before its retry time", func() bool {
		return rcv.shown()[early] == "Marché"
	})
}
