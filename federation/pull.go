package federation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
	"github.com/bastide47/bastide/federation/remote"
	"github.com/bastide47/bastide/ical"
)

// ingestByID fetches an object from its own origin and ingests it.
func (f *Federation) ingestByID(ctx context.Context, id, signer, via string) error {
	if f.uris.isLocal(id) {
		return nil
	}
	obj, _, err := f.client.GetObject(ctx, id)
	if err != nil {
		return fetchFailure(err)
	}
	if mobilizon.TypeOf(obj) == "Create" {
		inner, ok := obj["object"].(map[string]any)
		if !ok {
			return nil
		}
		return f.ingest(ctx, inner, signer, via, mobilizon.SameOrigin(mobilizon.IDOf(inner), id))
	}
	return f.ingest(ctx, obj, signer, via, true)
}

// fetchFailure sorts a failed fetch: worth retrying (network, timeout,
// 5xx, 429) or final (gone, refused, a document that lies about its id).
func fetchFailure(err error) error {
	var se *remote.StatusError
	if errors.As(err, &se) {
		if se.Code >= 500 || se.Code == http.StatusTooManyRequests {
			return retryable{err}
		}
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return retryable{err}
	}
	return err
}

// ingest stores a remote Event in the calendar of the source we follow it
// through. Objects not on the signer's origin are fetched from their own
// (fetched says it was). The Event's group and organiser must be on its
// origin and not ours. Events of sources we do not follow are ignored.
func (f *Federation) ingest(ctx context.Context, obj map[string]any, signer, via string, fetched bool) error {
	if mobilizon.TypeOf(obj) != "Event" {
		return nil
	}
	id := mobilizon.IDOf(obj)
	if id == "" || f.uris.isLocal(id) {
		return errors.New("an Event without an id, or claiming one of ours")
	}
	if !fetched && !mobilizon.SameOrigin(id, signer) {
		return f.ingestByID(ctx, id, signer, via)
	}
	attributed := mobilizon.IDOf(firstOf(obj["attributedTo"]))
	organizer := mobilizon.IDOf(obj["actor"])
	for _, a := range []string{attributed, organizer} {
		if a != "" && (!mobilizon.SameOrigin(a, id) || f.uris.isLocal(a)) {
			return fmt.Errorf("the Event %s is attributed to %s, on another origin", id, a)
		}
	}
	fl, err := f.sourceFor(ctx, id, attributed, organizer, signer, via)
	if err != nil || fl == nil {
		return err
	}
	re, err := mobilizon.ParseEvent(obj)
	if err != nil {
		return err
	}
	if re.Draft {
		return nil // a draft is not published, whatever reached us
	}
	return f.storeRemote(ctx, fl, re)
}

func firstOf(v any) any {
	if l, ok := v.([]any); ok && len(l) > 0 {
		return l[0]
	}
	return v
}

// sourceFor finds the followed source an event comes through: its group,
// organiser, signer or announcer, or a followed instance relay on its origin.
func (f *Federation) sourceFor(ctx context.Context, id string, candidates ...string) (*db.Follow, error) {
	for _, c := range candidates {
		if c == "" {
			continue
		}
		fl, err := f.store.GetFollow(ctx, c)
		if err == nil && fl.State != db.FollowRejected {
			return fl, nil
		}
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
	}
	all, err := f.store.ListFollows(ctx)
	if err != nil {
		return nil, err
	}
	for _, fl := range all {
		if fl.State == db.FollowRejected || !mobilizon.SameOrigin(fl.Object, id) {
			continue
		}
		if a, err := f.store.GetRemoteActor(ctx, fl.Object); err == nil && a.Type == "Application" {
			return fl, nil
		}
	}
	return nil, nil
}

// storeRemote writes a remote event into its source's calendar, as an
// update of the stored copy when the ActivityPub id is known (whatever
// calendar it is in), with iCalendar text built from its fields so that
// CalDAV and feeds serve it like any other.
func (f *Federation) storeRemote(ctx context.Context, fl *db.Follow, re *mobilizon.RemoteEvent) error {
	ev := re.Event
	ev.CalendarID = fl.CalendarID
	ev.APID = re.ID
	ev.Origin = model.OriginRemote
	ev.Component = "VEVENT"
	if ev.URL == "" {
		ev.URL = re.URL
	}
	ev.Moderation = model.ModerationPending
	if fl.Trusted {
		ev.Moderation = model.ModerationApproved
	}
	sum := sha256.Sum256([]byte(re.ID))
	ev.Href = hex.EncodeToString(sum[:16]) + ".ics"
	ev.UID = re.ID
	old, err := f.store.GetEventByAPID(ctx, re.ID)
	if err == nil {
		ev.CalendarID, ev.Href, ev.UID, ev.Moderation = old.CalendarID, old.Href, old.UID, old.Moderation
	} else if !errors.Is(err, db.ErrNotFound) {
		return retryable{err}
	}
	if re.Place != nil {
		p := *re.Place
		if err := f.store.EnsurePlace(ctx, &p); err == nil {
			ev.PlaceID = p.ID
			if ev.CommuneINSEE == "" {
				ev.CommuneINSEE = p.CommuneINSEE
			}
		}
	}
	if !re.Published.IsZero() && ev.Created.IsZero() {
		ev.Created = re.Published
	}
	if !re.Updated.IsZero() {
		ev.Updated = re.Updated
	}
	end := ev.End
	if end.IsZero() || end.Before(ev.Start) {
		end = ev.Start
	}
	ev.Instances = []model.Instance{{Start: ev.Start, End: end, Status: ev.Status}}
	data, err := ical.FromEvent(&ev)
	if err != nil {
		return err
	}
	ev.Data = string(data)
	if old != nil && stripStamps(old.Data) == stripStamps(ev.Data) {
		return nil // a refetch or a repeated push: nothing changed
	}
	if _, err := f.store.PutEvent(ctx, db.Put{Event: &ev, ByUID: true}); err != nil {
		return err
	}
	return nil
}

// stripStamps drops the lines that only say when a text was written.
func stripStamps(data string) string {
	var b strings.Builder
	for _, l := range strings.Split(data, "\r\n") {
		if strings.HasPrefix(l, "DTSTAMP") || strings.HasPrefix(l, "CREATED") || strings.HasPrefix(l, "LAST-MODIFIED") {
			continue
		}
		b.WriteString(l)
		b.WriteString("\n")
	}
	return b.String()
}

// ---- following remote sources ----

var handleRe = regexp.MustCompile(`^@?([^@\s/]+)@([^@\s/]+)$`)

// Follow makes the relay follow a remote source: a Mobilizon group by
// handle (@group@host) or URL, or an instance's relay by its actor URL
// (https://host/relay). The source's events go to a remote calendar of
// their own, approved at once when trusted. The Follow is queued for
// delivery (sent by the serving process); its backfill follows.
func (f *Federation) Follow(ctx context.Context, target string, trusted bool) (*db.Follow, *db.RemoteActor, error) {
	target = strings.TrimSpace(target)
	actorURL := target
	if host, ok := bareHost(target); ok {
		if err := f.checkNotBlocked(ctx, "https://"+host+"/"); err != nil {
			return nil, nil, err
		}
		u, err := f.client.InstanceActor(ctx, host)
		if err != nil {
			return nil, nil, fmt.Errorf("federation: find the instance actor of %s: %w", host, err)
		}
		actorURL = u
	} else if m := handleRe.FindStringSubmatch(target); m != nil {
		if err := f.checkNotBlocked(ctx, "https://"+m[2]+"/"); err != nil {
			return nil, nil, err
		}
		u, err := f.client.GetWebFinger(ctx, "acct:"+m[1]+"@"+m[2])
		if err != nil {
			return nil, nil, fmt.Errorf("federation: look up %s: %w", target, err)
		}
		actorURL = u
	} else if mobilizon.Origin(target) == "" {
		return nil, nil, fmt.Errorf("federation: %q is neither @name@host nor an http(s) URL", target)
	}
	if err := f.checkNotBlocked(ctx, actorURL); err != nil {
		return nil, nil, err
	}
	a, err := f.fetchActor(ctx, actorURL)
	if err != nil {
		return nil, nil, fmt.Errorf("federation: fetch %s: %w", actorURL, err)
	}
	if err := f.checkNotBlocked(ctx, a.APID); err != nil {
		return nil, nil, err
	}
	if a.Type == "Person" {
		return nil, nil, fmt.Errorf("federation: %s is a Person; follow a Group or an instance relay", a.APID)
	}
	cal, err := f.remoteCalendar(ctx, a, trusted)
	if err != nil {
		return nil, nil, err
	}
	followID := f.uris.FollowActivityID(f.newUUID())
	body, err := json.Marshal(f.followActivity(followID, a.APID))
	if err != nil {
		return nil, nil, err
	}
	fl := &db.Follow{Object: a.APID, FollowID: followID, State: db.FollowPending, Trusted: trusted, CalendarID: cal.ID}
	if err := f.store.PutFollow(ctx, fl); err != nil {
		return nil, nil, err
	}
	if err := f.store.QueueActivity(ctx, followID, 0, body, []string{a.DeliveryInbox()}); err != nil {
		return nil, nil, err
	}
	wake(f.wakeDeliver)
	wake(f.wakeRefresh)
	return fl, a, nil
}

// ErrBlocked says that a domain the admin blocked was asked for.
var ErrBlocked = errors.New("federation: this instance does not federate with that domain")

// checkNotBlocked returns ErrBlocked when iri is on a blocked domain.
func (f *Federation) checkNotBlocked(ctx context.Context, iri string) error {
	blocked, err := f.store.URLBlocked(ctx, iri)
	if err != nil {
		return err
	}
	if blocked {
		return fmt.Errorf("%w: %s", ErrBlocked, iri)
	}
	return nil
}

// maxFollowRequests bounds the follows asked for on the back office that
// one round of the refresher sends.
const maxFollowRequests = 10

// sendFollowRequests sends the follows and unfollows the admin asked for
// on the back office (web records them; it cannot reach federation), and
// records each outcome: a sent one is forgotten, a failed one keeps its error for the
// admin to read, and is not tried again unless asked again.
func (f *Federation) sendFollowRequests(ctx context.Context) {
	reqs, err := f.store.ListFollowRequests(ctx, true, maxFollowRequests)
	if err != nil {
		if ctx.Err() == nil {
			f.log.ErrorContext(ctx, "federation: list follow requests", "err", err)
		}
		return
	}
	for _, rq := range reqs {
		msg := ""
		var err error
		if rq.Unfollow {
			err = f.Unfollow(ctx, rq.Target)
		} else {
			_, _, err = f.Follow(ctx, rq.Target, rq.Trusted)
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			msg = err.Error()
			f.log.WarnContext(ctx, "federation: follow change asked on the back office failed", "target", rq.Target,
				"unfollow", rq.Unfollow, "err", err)
		} else {
			f.log.InfoContext(ctx, "federation: follow changed from the back office", "target", rq.Target,
				"unfollow", rq.Unfollow, "trusted", rq.Trusted)
		}
		if err := f.store.FinishFollowRequest(ctx, rq.ID, msg); err != nil {
			f.log.ErrorContext(ctx, "federation: record follow request", "err", err)
		}
	}
}

// followActivity is the Follow the relay sends: object a plain id, as
// Mobilizon requires.
func (f *Federation) followActivity(followID, object string) map[string]any {
	act := activity("Follow", followID, f.uris.RelayID(), []any{object}, []any{}, object, f.cfg.Now())
	delete(act, "published")
	return act
}

// Unfollow sends an Undo of our Follow of a source and forgets it; its
// calendar and events stay.
func (f *Federation) Unfollow(ctx context.Context, actorID string) error {
	fl, err := f.store.GetFollow(ctx, actorID)
	if err != nil {
		return err
	}
	a, err := f.actor(ctx, actorID)
	if err != nil {
		return err
	}
	follow := map[string]any{"id": fl.FollowID, "type": "Follow", "actor": f.uris.RelayID(), "object": fl.Object}
	uuid := strings.TrimPrefix(fl.FollowID, f.uris.FollowActivityID(""))
	act := activity("Undo", f.uris.UndoID(uuid), f.uris.RelayID(), []any{fl.Object}, []any{}, follow, f.cfg.Now())
	body, err := json.Marshal(act)
	if err != nil {
		return err
	}
	if err := f.store.QueueActivity(ctx, mobilizon.IDOf(act), 0, body, []string{a.DeliveryInbox()}); err != nil {
		return err
	}
	return f.store.DeleteFollow(ctx, fl.ID)
}

// bareHost recognises an instance given by its domain alone
// ("mobilizon.example.org", "https://mobilizon.example.org/").
func bareHost(target string) (string, bool) {
	if strings.ContainsAny(target, "@ ") {
		return "", false
	}
	if !strings.Contains(target, "://") {
		target = "https://" + target
	}
	u, err := url.Parse(target)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || !strings.Contains(u.Hostname(), ".") && u.Port() == "" {
		return "", false
	}
	return u.Host, true
}

var slugJunk = regexp.MustCompile(`[^a-z0-9]+`)

// remoteCalendar returns (creating it) the public remote calendar of a source.
func (f *Federation) remoteCalendar(ctx context.Context, a *db.RemoteActor, trusted bool) (*model.Calendar, error) {
	cal, err := f.store.GetCalendarBySource(ctx, a.APID)
	if err == nil {
		if cal.Trusted != trusted {
			cal.Trusted = trusted
			if err := f.store.UpdateCalendar(ctx, cal); err != nil {
				return nil, err
			}
		}
		return cal, nil
	}
	if !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	host := ""
	if u, err := url.Parse(a.APID); err == nil {
		host = u.Hostname()
	}
	slug := strings.Trim(slugJunk.ReplaceAllString(strings.ToLower(a.PreferredUsername+"-"+host), "-"), "-")
	if slug == "" {
		slug = "remote"
	}
	if len(slug) > 50 {
		slug = strings.Trim(slug[:50], "-")
	}
	name := a.Name
	if name == "" {
		name = a.PreferredUsername
	}
	if name == "" {
		name = a.APID
	}
	if len(name) > model.MaxNameLen {
		name = name[:model.MaxNameLen]
	}
	for i := 0; i < 20; i++ {
		s := slug
		if i > 0 {
			s = fmt.Sprintf("%s-%d", slug, i+1)
		}
		cal = &model.Calendar{Kind: model.CalendarRemote, Slug: s, Name: name, Source: a.APID, Trusted: trusted,
			Public: true, Components: []string{"VEVENT"}}
		err = f.store.CreateCalendar(ctx, cal)
		if err == nil {
			return cal, nil
		}
		if !errors.Is(err, db.ErrConflict) {
			return nil, err
		}
	}
	return nil, err
}

// refresh backfills a source's upcoming events: Mobilizon pushes nothing
// about past events on follow and never retries a failed push.
func (f *Federation) refresh(ctx context.Context, fl *db.Follow) error {
	if err := f.checkNotBlocked(ctx, fl.Object); err != nil {
		return err
	}
	a, err := f.store.GetRemoteActor(ctx, fl.Object)
	if err != nil || f.cfg.Now().Sub(a.FetchedAt) > 48*time.Hour {
		if a, err = f.fetchActor(ctx, fl.Object); err != nil {
			return err
		}
	}
	// The actor: Backfill reads a Mobilizon Group's events collection, or
	// the outbox of anything else.
	items, err := remote.Backfill(ctx, f.client, a.APID, f.cfg.BackfillPages, f.cfg.BackfillItems)
	if err != nil && a.Outbox != "" {
		f.log.DebugContext(ctx, "federation: backfill failed, paging the outbox", "actor_iri", a.APID, "err", err)
		items, err = f.pageOutbox(ctx, a.Outbox)
	}
	if len(items) == 0 && a.Type == "Group" && a.PreferredUsername != "" {
		// Mobilizon's public GraphQL API lists a group's upcoming events
		// even when its collections are members-only or very long.
		if gq, gerr := remote.BackfillGraphQL(ctx, f.client, mobilizon.Origin(a.APID), a.PreferredUsername, f.cfg.Now(), f.cfg.BackfillItems); gerr == nil {
			items, err = gq, nil
		}
	}
	if err != nil {
		return err
	}
	now := f.cfg.Now()
	listed := map[string]bool{}
	for _, it := range items {
		obj := unwrapEvent(it)
		if obj == nil {
			continue
		}
		listed[mobilizon.IDOf(obj)] = true
		if !upcoming(obj, now) {
			continue
		}
		if err := f.ingest(ctx, obj, fl.Object, "", false); err != nil {
			f.log.DebugContext(ctx, "federation: backfill item skipped", "actor_iri", fl.Object, "err", err)
		}
	}
	if err := f.recheckUnlisted(ctx, fl, listed, now); err != nil {
		return err
	}
	return f.store.MarkFollowRefreshed(ctx, fl.ID, now)
}

// maxRecheck bounds the events fetched again by one refresh.
const maxRecheck = 50

// recheckUnlisted fetches again, from their own origin, the upcoming
// events of a source's calendar that its listing no longer shows:
// Mobilizon sends a Delete once and never retries, so a missed one would
// leave the event on the agenda for good. A 410 (or a Tombstone) deletes
// the local copy, a changed event is updated; other failures leave it as
// it is until the next refresh. At most maxRecheck fetches a refresh.
func (f *Federation) recheckUnlisted(ctx context.Context, fl *db.Follow, listed map[string]bool, now time.Time) error {
	evs, err := f.store.ListEvents(ctx, fl.CalendarID, false)
	if err != nil {
		return err
	}
	n := 0
	for _, ev := range evs {
		if ev.Origin != model.OriginRemote || ev.APID == "" || listed[ev.APID] {
			continue
		}
		end := ev.End
		if end.IsZero() || end.Before(ev.Start) {
			end = ev.Start
		}
		if !end.After(now) {
			continue
		}
		if n++; n > maxRecheck {
			break
		}
		obj, _, err := f.client.GetObject(ctx, ev.APID)
		switch {
		case errors.Is(err, remote.ErrGone) || (err == nil && mobilizon.TypeOf(obj) == "Tombstone"):
			if _, err := f.store.DeleteEvent(ctx, ev.CalendarID, ev.Href, ""); err != nil && !errors.Is(err, db.ErrNotFound) {
				return err
			}
			f.log.InfoContext(ctx, "federation: remote event gone at its origin", "object", ev.APID)
		case err != nil:
			f.log.DebugContext(ctx, "federation: recheck failed", "object", ev.APID, "err", err)
		default:
			if err := f.ingest(ctx, obj, fl.Object, "", true); err != nil {
				f.log.DebugContext(ctx, "federation: recheck not taken", "object", ev.APID, "err", err)
			}
		}
	}
	return nil
}

// unwrapEvent finds the Event in an outbox item: an Event, a Create of
// one, or an Announce of either.
func unwrapEvent(it map[string]any) map[string]any {
	for i := 0; i < 3 && it != nil; i++ {
		switch mobilizon.TypeOf(it) {
		case "Event":
			return it
		case "Create", "Announce", "Update":
			it, _ = it["object"].(map[string]any)
		default:
			return nil
		}
	}
	return nil
}

func upcoming(obj map[string]any, now time.Time) bool {
	for _, k := range []string{"endTime", "startTime"} {
		if s, ok := obj[k].(string); ok && s != "" {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return t.After(now)
			}
		}
	}
	return false
}

// pageOutbox reads an outbox's pages (bounded) and returns their items.
func (f *Federation) pageOutbox(ctx context.Context, outbox string) ([]map[string]any, error) {
	root, _, err := f.client.GetJSON(ctx, outbox)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	next := root["first"]
	collect := func(page map[string]any) {
		for _, key := range []string{"orderedItems", "items"} {
			if l, ok := page[key].([]any); ok {
				for _, x := range l {
					if m, ok := x.(map[string]any); ok && len(out) < f.cfg.BackfillItems {
						out = append(out, m)
					}
				}
			}
		}
	}
	collect(root)
	for i := 0; i < f.cfg.BackfillPages && next != nil && len(out) < f.cfg.BackfillItems; i++ {
		var page map[string]any
		switch x := next.(type) {
		case map[string]any:
			page = x
		case string:
			if !mobilizon.SameOrigin(x, outbox) {
				return out, nil
			}
			if page, _, err = f.client.GetJSON(ctx, x); err != nil {
				return out, err
			}
		default:
			return out, nil
		}
		before := len(out)
		collect(page)
		if len(out) == before {
			break
		}
		next = page["next"]
	}
	return out, nil
}

// runRefresher polls followed sources: at once when never polled (a new
// follow, an Accept), then every RefreshInterval.
func (f *Federation) runRefresher(ctx context.Context) {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		f.sendFollowRequests(ctx)
		follows, err := f.store.ListFollows(ctx)
		if err != nil && ctx.Err() == nil {
			f.log.ErrorContext(ctx, "federation: list follows", "err", err)
		}
		for _, fl := range follows {
			if fl.State == db.FollowRejected || f.cfg.Now().Sub(fl.RefreshedAt) < f.cfg.RefreshInterval {
				continue
			}
			if err := f.refresh(ctx, fl); err != nil && ctx.Err() == nil {
				f.log.WarnContext(ctx, "federation: refresh failed", "actor_iri", fl.Object, "err", err)
				// try again in five minutes, not in a loop
				now := f.cfg.Now()
				if err := f.store.MarkFollowFailed(ctx, fl.ID, now, now.Add(-f.cfg.RefreshInterval+5*time.Minute), err.Error()); err != nil {
					f.log.ErrorContext(ctx, "federation: record refresh failure", "actor_iri", fl.Object, "err", err)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-f.wakeRefresh:
		}
	}
}

// deadDeliveryHorizon is how long a delivery given up on stays on show
// (admin, /metrics) before housekeeping forgets it.
const deadDeliveryHorizon = 30 * 24 * time.Hour

// runHousekeeping prunes finished and long-dead deliveries, the activities
// left without any, and old replay ids. Tombstones stay: their URLs answer
// 410 forever.
func (f *Federation) runHousekeeping(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := f.cfg.Now()
		if err := f.store.PruneDeadDeliveries(ctx, now.Add(-deadDeliveryHorizon)); err != nil && ctx.Err() == nil {
			f.log.ErrorContext(ctx, "federation: prune dead deliveries", "err", err)
		}
		if err := f.store.PruneDeliveries(ctx, now.Add(-7*24*time.Hour)); err != nil && ctx.Err() == nil {
			f.log.ErrorContext(ctx, "federation: prune deliveries", "err", err)
		}
		if err := f.store.PruneInboxSeen(ctx, now.Add(-2*DateWindow-time.Hour)); err != nil && ctx.Err() == nil {
			f.log.ErrorContext(ctx, "federation: prune replay ids", "err", err)
		}
	}
}

// ---- owners ----

// Followers lists the followers of an association (every state).
func (f *Federation) Followers(ctx context.Context, slug string) ([]*db.Follower, error) {
	a, err := f.store.GetAssociationBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	return f.store.ListFollowers(ctx, a.ID, "")
}

// DecideFollower accepts or rejects a pending follower of an association
// that approves followers by hand, and queues the answer.
func (f *Federation) DecideFollower(ctx context.Context, slug, actorID string, accept bool) error {
	a, err := f.store.GetAssociationBySlug(ctx, slug)
	if err != nil {
		return err
	}
	if err := f.store.DecideFollower(ctx, a.ID, actorID, accept); err != nil {
		return err
	}
	return f.sendAnswers(ctx)
}
