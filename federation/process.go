package federation

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// process handles one accepted activity whose signer is its actor.
func (f *Federation) process(ctx context.Context, act map[string]any, signer string) error {
	switch typ := mobilizon.TypeOf(act); typ {
	case "Follow":
		return f.onFollow(ctx, act, signer)
	case "Undo":
		return f.onUndo(ctx, act, signer)
	case "Accept", "Reject":
		return f.onAnswer(ctx, typ, act, signer)
	case "Create", "Update":
		obj := act["object"]
		switch mobilizon.TypeOf(obj) {
		case "Event":
			return f.ingest(ctx, obj.(map[string]any), signer, "", false)
		case "Person", "Group", "Application", "Organization", "Service":
			if typ == "Update" && mobilizon.IDOf(obj) == signer {
				return f.onActorUpdate(ctx, obj.(map[string]any))
			}
		case "":
			if id, ok := obj.(string); ok && id != "" {
				return f.ingestByID(ctx, id, signer, "")
			}
		}
		return nil
	case "Delete":
		return f.onDelete(ctx, act, signer)
	case "Announce":
		return f.onAnnounce(ctx, act, signer)
	default:
		return nil // Join, Leave, Like, Note replies…: not for Bastide
	}
}

// followLocal resolves the local actor a Follow names: association id, or
// 0 for the relay.
func (f *Federation) followLocal(ctx context.Context, object string) (int64, bool, error) {
	slug, relay, ok := f.uris.parseLocal(object)
	if !ok {
		return 0, false, fmt.Errorf("%s is not one of our actors", object)
	}
	if relay {
		return 0, false, nil
	}
	a, err := f.store.GetAssociationBySlug(ctx, slug)
	if err != nil {
		return 0, false, err
	}
	return a.ID, a.ManuallyApprovesFollowers, nil
}

// onFollow records a follower of a Group or of the relay and answers with
// an Accept carrying the exact Follow, unless the association approves
// followers by hand (then it waits, pending). A follower of the relay is
// then announced every upcoming event.
func (f *Federation) onFollow(ctx context.Context, act map[string]any, signer string) error {
	object := mobilizon.IDOf(act["object"])
	assocID, manual, err := f.followLocal(ctx, object)
	if err != nil {
		return err
	}
	if _, err := f.actor(ctx, signer); err != nil {
		return fetchFailure(err)
	}
	follow := map[string]any{}
	for k, v := range act {
		if k != "@context" && k != "signature" && k != "proof" {
			follow[k] = v
		}
	}
	b, err := json.Marshal(follow)
	if err != nil {
		return err
	}
	fl := &db.Follower{AssociationID: assocID, ActorID: signer, FollowID: mobilizon.IDOf(act), FollowJSON: string(b),
		State: db.FollowAccepted}
	if manual {
		fl.State = db.FollowPending
	}
	if err := f.store.PutFollower(ctx, fl); err != nil {
		return err
	}
	if fl.State != db.FollowAccepted {
		return nil
	}
	if err := f.answerFollow(ctx, fl, object, "Accept"); err != nil {
		return err
	}
	if assocID != 0 {
		return nil
	}
	// A new follower of the relay (a Mobilizon instance, another Bastide)
	// lists only what it was announced: announce what is already there.
	ra, err := f.actor(ctx, signer)
	if err != nil {
		return fetchFailure(err)
	}
	n, err := f.announceBacklog(ctx, ra.DeliveryInbox())
	if err != nil {
		return err
	}
	f.log.InfoContext(ctx, "federation: announced the upcoming events to a new relay follower", "actor_iri", signer, "events", n)
	return nil
}

// answerFollow sends Accept or Reject of a follower's Follow, from the
// followed actor, with the Follow embedded as it came.
func (f *Federation) answerFollow(ctx context.Context, fl *db.Follower, followed, kind string) error {
	var follow map[string]any
	if err := json.Unmarshal([]byte(fl.FollowJSON), &follow); err != nil {
		return err
	}
	ra, err := f.actor(ctx, fl.ActorID)
	if err != nil {
		return fetchFailure(err)
	}
	act := activity(kind, f.uris.AcceptID(lower(kind), fl.ID, f.token()), followed, []any{fl.ActorID}, []any{}, follow, f.cfg.Now())
	delete(act, "published")
	body, err := json.Marshal(act)
	if err != nil {
		return err
	}
	if err := f.store.QueueActivity(ctx, mobilizon.IDOf(act), fl.AssociationID, body, []string{ra.DeliveryInbox()}); err != nil {
		return err
	}
	wake(f.wakeDeliver)
	return nil
}

// maxAnswers bounds the decided follows answered in one round.
const maxAnswers = 100

// sendAnswers queues the Accept or Reject of each follow that an owner
// decided (in the back office or with the command) and clears it from the
// row; an answer whose follower cannot be reached now waits in its row
// with the delivery queue's backoff, and is given up after as many tries
// as a delivery.
func (f *Federation) sendAnswers(ctx context.Context) error {
	pending, err := f.store.PendingAnswers(ctx, f.cfg.Now(), maxAnswers)
	if err != nil {
		return err
	}
	var first error
	for _, pa := range pending {
		fl := pa.Follower
		followed := f.uris.RelayID()
		if fl.AssociationID != 0 {
			a, err := f.store.GetAssociation(ctx, fl.AssociationID)
			if err != nil {
				first = cmp.Or(first, err)
				continue
			}
			followed = f.uris.ActorID(a.Slug)
		}
		if err := f.answerFollow(ctx, fl, followed, pa.Answer); err != nil {
			first = cmp.Or(first, err)
			// The delivery queue's retry policy: its backoff, and its
			// number of attempts before giving up.
			n := pa.Attempts + 1
			if n >= f.cfg.MaxDeliveryAttempts {
				f.log.WarnContext(ctx, "federation: follow answer given up", "actor_iri", fl.ActorID, "attempt", n, "err", err)
				if err := f.store.AnswerSent(ctx, fl.ID, pa.Answer); err != nil {
					return err
				}
				continue
			}
			if err := f.store.PostponeAnswer(ctx, fl.ID, pa.Answer, n, f.cfg.Now().Add(f.retryDelay(n))); err != nil {
				return err
			}
			continue
		}
		if err := f.store.AnswerSent(ctx, fl.ID, pa.Answer); err != nil {
			return err
		}
	}
	return first
}

// onUndo removes a follower (Undo of its Follow).
func (f *Federation) onUndo(ctx context.Context, act map[string]any, signer string) error {
	inner := act["object"]
	m, ok := inner.(map[string]any)
	if !ok || mobilizon.TypeOf(m) != "Follow" {
		return nil
	}
	if a := mobilizon.IDOf(m["actor"]); a != "" && a != signer {
		return errors.New("Undo of somebody else's Follow")
	}
	assocID, _, err := f.followLocal(ctx, mobilizon.IDOf(m["object"]))
	if err != nil {
		return err
	}
	err = f.store.DeleteFollower(ctx, assocID, signer, "")
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	return err
}

// onAnswer records the Accept or Reject of one of our Follows; only the
// followed actor may answer.
func (f *Federation) onAnswer(ctx context.Context, typ string, act map[string]any, signer string) error {
	followID := mobilizon.IDOf(act["object"])
	fl, err := f.store.GetFollowByFollowID(ctx, followID)
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return nil // an answer to a Follow we never sent
		}
		return err
	}
	if fl.Object != signer {
		return fmt.Errorf("%s answered a Follow of %s", signer, fl.Object)
	}
	state := db.FollowAccepted
	if typ == "Reject" {
		state = db.FollowRejected
	}
	if err := f.store.SetFollowState(ctx, fl.ID, state); err != nil {
		return err
	}
	if state == db.FollowAccepted {
		wake(f.wakeRefresh)
	}
	return nil
}

// onActorUpdate refreshes a remote actor from its own Update (a new key).
func (f *Federation) onActorUpdate(ctx context.Context, obj map[string]any) error {
	a, err := parseActor(obj)
	if err != nil {
		return err
	}
	if err := f.store.PutRemoteActor(ctx, a); err != nil {
		return err
	}
	f.keyMu.Lock()
	for k, c := range f.keyCache {
		if c.owner == a.APID {
			delete(f.keyCache, k)
		}
	}
	f.keyMu.Unlock()
	return nil
}

// onDelete removes a remote event, when the deleter is on the event's
// origin.
func (f *Federation) onDelete(ctx context.Context, act map[string]any, signer string) error {
	id := mobilizon.IDOf(act["object"])
	if id == "" {
		return nil
	}
	if id == signer {
		// The actor itself was deleted: it follows nobody any more.
		return f.store.DeleteFollowerEverywhere(ctx, signer)
	}
	if !mobilizon.SameOrigin(id, signer) {
		return fmt.Errorf("%s may not delete %s", signer, id)
	}
	ev, err := f.store.GetEventByAPID(ctx, id)
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return nil
		}
		return err
	}
	if _, err := f.store.DeleteEvent(ctx, ev.CalendarID, ev.Href, ""); err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	return nil
}

// onAnnounce ingests an announced Event: embedded and from the
// announcer's origin, or fetched from its own origin otherwise.
func (f *Federation) onAnnounce(ctx context.Context, act map[string]any, signer string) error {
	obj := act["object"]
	if m, ok := obj.(map[string]any); ok && mobilizon.TypeOf(m) == "Create" {
		obj = m["object"]
	}
	if m, ok := obj.(map[string]any); ok && mobilizon.TypeOf(m) == "Event" && mobilizon.SameOrigin(mobilizon.IDOf(m), signer) {
		return f.ingest(ctx, m, signer, signer, false)
	}
	id := mobilizon.IDOf(obj)
	if id == "" {
		return nil
	}
	return f.ingestByID(ctx, id, signer, signer)
}
