package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// serveInbox is the shared inbox and every actor's inbox: body bounded and
// depth-checked before decoding, signature checked strictly, the signer
// must be the activity's actor, replays refused; then the activity is
// queued durably and 202 answered at once. Processing happens in runInbox.
func (f *Federation) serveInbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	body, err := readBody(w, r, f.cfg.MaxInboxBody)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			httpError(w, http.StatusRequestEntityTooLarge, "the activity is larger than the limit")
			return
		}
		httpError(w, http.StatusBadRequest, "could not read the body")
		return
	}
	if err := checkDepth(body, f.cfg.MaxJSONDepth); err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	if f.inboxFull(ctx) {
		w.Header().Set("Retry-After", "30")
		httpError(w, http.StatusServiceUnavailable, "the inbox queue is full; retry later")
		return
	}
	if !f.ourHost(r.Host) {
		httpError(w, http.StatusUnauthorized, "this request is addressed to another host than "+f.uris.Host())
		return
	}
	// A blocked domain is refused before its key is fetched.
	if p, err := parseSignature(r.Header.Get("Signature")); err == nil {
		if f.refuseBlocked(w, r, p.keyID) {
			return
		}
	}
	signer, err := f.verify.verify(ctx, r, body)
	if err != nil {
		var se *sigError
		msg := "the signature could not be checked"
		if errors.As(err, &se) {
			msg = se.msg
		}
		// The answer is only msg: err may name addresses of ours or of
		// the network (a dial error) and stays in the log.
		if se != nil && se.cause != nil {
			f.log.WarnContext(ctx, "federation: inbox signing key unavailable", "err", err, "remote", r.RemoteAddr)
		} else {
			f.log.DebugContext(ctx, "federation: inbox signature refused", "err", err, "remote", r.RemoteAddr)
		}
		w.Header().Set("WWW-Authenticate", `Signature realm="`+f.uris.Host()+`",headers="(request-target) host date digest"`)
		httpError(w, http.StatusUnauthorized, msg)
		return
	}
	var act map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&act); err != nil || act == nil {
		httpError(w, http.StatusBadRequest, "the body is not a JSON object")
		return
	}
	actor := mobilizon.IDOf(act["actor"])
	if actor == "" || actor != signer {
		httpError(w, http.StatusUnauthorized, "the activity's actor is not the signer")
		return
	}
	if f.refuseBlocked(w, r, actor) {
		return
	}
	id := mobilizon.IDOf(act)
	if id != "" && !mobilizon.SameOrigin(id, actor) {
		httpError(w, http.StatusUnauthorized, "the activity's id is not on its actor's origin")
		return
	}
	if mobilizon.TypeOf(act) == "" {
		httpError(w, http.StatusBadRequest, "the activity has no type")
		return
	}
	// Mobilizon gives its Create and Update of an event the same id, so a
	// replay is the same id with the same body.
	sum := sha256.Sum256(body)
	key := id + " " + hex.EncodeToString(sum[:12])
	if err := f.store.AcceptInbox(ctx, key, signer, body); err != nil {
		if errors.Is(err, db.ErrConflict) {
			httpError(w, http.StatusConflict, "this activity was already received")
			return
		}
		f.serverError(w, r, err)
		return
	}
	f.queued()
	wake(f.wakeInbox)
	w.WriteHeader(http.StatusAccepted)
}

// refuseBlocked answers 403 when iri is on a domain the admin blocked.
func (f *Federation) refuseBlocked(w http.ResponseWriter, r *http.Request, iri string) bool {
	blocked, err := f.store.URLBlocked(r.Context(), iri)
	if err != nil {
		f.serverError(w, r, err)
		return true
	}
	if blocked {
		httpError(w, http.StatusForbidden, "this instance does not federate with the domain of "+iri)
		return true
	}
	return false
}

// maxInboxAttempts bounds the processing attempts of one activity.
const maxInboxAttempts = 8

// runInbox processes queued activities until ctx is done.
func (f *Federation) runInbox(ctx context.Context) {
	tick := time.NewTicker(f.cfg.PollInterval)
	defer tick.Stop()
	for {
		for {
			items, err := f.store.DueInbox(ctx, f.cfg.Now(), 50)
			if err != nil {
				if ctx.Err() == nil {
					f.log.ErrorContext(ctx, "federation: inbox queue", "err", err)
				}
				break
			}
			for _, it := range items {
				f.processItem(ctx, it)
				if ctx.Err() != nil {
					return
				}
			}
			if len(items) < 50 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-f.wakeInbox:
		case <-tick.C:
		}
	}
}

// retryable marks processing failures worth another attempt (a remote
// fetch that timed out, a database busy).
type retryable struct{ err error }

func (e retryable) Error() string { return e.err.Error() }
func (e retryable) Unwrap() error { return e.err }

func (f *Federation) processItem(ctx context.Context, it *db.InboxItem) {
	// A domain blocked since the activity was received: the block holds
	// for what waits in the queue too.
	blocked, err := f.store.URLBlocked(ctx, it.Signer)
	if err != nil {
		if ctx.Err() == nil {
			f.log.ErrorContext(ctx, "federation: inbox block check", "err", err)
		}
		return
	}
	var act map[string]any
	if blocked {
		err = ErrBlocked
	} else if err = json.Unmarshal(it.Body, &act); err == nil {
		err = f.process(ctx, act, it.Signer)
	}
	if ctx.Err() != nil {
		return
	}
	var re retryable
	if err != nil && errors.As(err, &re) && it.Attempts+1 < maxInboxAttempts {
		next := f.cfg.Now().Add(time.Duration(1<<it.Attempts) * 30 * time.Second)
		f.log.WarnContext(ctx, "federation: activity processing failed, will retry", "activity", it.ActivityID, "err", err)
		if err := f.store.RetryInbox(ctx, it.ID, it.Attempts+1, next, err.Error()); err != nil {
			f.log.ErrorContext(ctx, "federation: inbox retry", "err", err)
		}
		return
	}
	if err != nil {
		f.log.InfoContext(ctx, "federation: activity dropped", "activity", it.ActivityID, "actor_iri", it.Signer, "err", err)
	}
	if err := f.store.DoneInbox(ctx, it.ID); err != nil {
		f.log.ErrorContext(ctx, "federation: inbox done", "err", err)
	}
}

// ourHost reports whether a request's Host names this instance, compared
// as model.NormalizeIRI spells hosts (case, a trailing dot, and a default
// port written out by a proxy are accepted).
func (f *Federation) ourHost(h string) bool {
	for _, scheme := range []string{"https://", "http://"} {
		if o := model.IRIOrigin(scheme + h); o != "" && strings.TrimPrefix(o, scheme) == f.uris.Host() {
			return true
		}
	}
	return false
}

// inboxFull reports whether the processing queue holds MaxInboxQueue
// activities or more (a flood): new ones are then refused with 503 and
// Retry-After, which senders retry, instead of growing without bound. The
// length is read from the store at most once a second, and counts every
// activity this process queued since (queued), so that a burst within
// that second cannot pass the bound.
func (f *Federation) inboxFull(ctx context.Context) bool {
	f.queueMu.Lock()
	defer f.queueMu.Unlock()
	if time.Since(f.queueAt) > time.Second {
		if n, err := f.store.InboxQueueLen(ctx); err == nil {
			f.queueLen = n
		}
		f.queueAt = time.Now()
	}
	return f.queueLen >= f.cfg.MaxInboxQueue
}

// queued counts an activity just stored in the processing queue.
func (f *Federation) queued() {
	f.queueMu.Lock()
	f.queueLen++
	f.queueMu.Unlock()
}
