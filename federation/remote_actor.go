package federation

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// actorTypes are the actor types we accept (Mobilizon's list).
var actorTypes = map[string]bool{"Person": true, "Group": true, "Application": true, "Organization": true, "Service": true}

// parseActor reads the fields we keep from an actor document.
func parseActor(doc map[string]any) (*db.RemoteActor, error) {
	a := &db.RemoteActor{APID: mobilizon.IDOf(doc), Type: mobilizon.TypeOf(doc)}
	if a.APID == "" || !actorTypes[a.Type] {
		return nil, fmt.Errorf("not an actor (type %q)", a.Type)
	}
	a.PreferredUsername, _ = doc["preferredUsername"].(string)
	a.Name, _ = doc["name"].(string)
	a.Inbox = mobilizon.IDOf(doc["inbox"])
	a.Outbox = mobilizon.IDOf(doc["outbox"])
	if ep, ok := doc["endpoints"].(map[string]any); ok {
		a.SharedInbox = mobilizon.IDOf(ep["sharedInbox"])
	}
	if a.Inbox == "" {
		return nil, errors.New("the actor has no inbox")
	}
	for _, u := range []string{a.Inbox, a.SharedInbox, a.Outbox} {
		if u != "" && mobilizon.Origin(u) == "" {
			return nil, fmt.Errorf("the actor's endpoint %q is not an http(s) URL", u)
		}
	}
	var keys []any
	switch k := doc["publicKey"].(type) {
	case map[string]any:
		keys = []any{k}
	case []any:
		keys = k
	}
	for _, k := range keys {
		km, ok := k.(map[string]any)
		if !ok {
			continue
		}
		pemText, _ := km["publicKeyPem"].(string)
		if pemText != "" && keyOwnedBy(mobilizon.IDOf(km), mobilizon.IDOf(km["owner"]), a.APID) {
			a.KeyID = mobilizon.IDOf(km)
			a.PublicKeyPEM = pemText
			break
		}
	}
	return a, nil
}

// keyOwnedBy is the one rule for trusting a key for an actor: the key's
// owner is the actor, and the key id is on the actor's own origin (scheme,
// host and port). An actor document that lists a key id of another host
// (or of another actor's) does not make that key its own.
func keyOwnedBy(keyID, owner, actorID string) bool {
	return keyID != "" && owner == actorID && mobilizon.SameOrigin(keyID, actorID)
}

// fetchActor fetches an actor from its id and stores it.
func (f *Federation) fetchActor(ctx context.Context, id string) (*db.RemoteActor, error) {
	if f.uris.isLocal(id) {
		return nil, fmt.Errorf("%s is one of our own actors", id)
	}
	doc, _, err := f.client.GetObject(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := parseActor(doc)
	if err != nil {
		return nil, err
	}
	if a.APID != model.NormalizeIRI(id) {
		return nil, fmt.Errorf("the document at %s claims the id %s", id, a.APID)
	}
	if err := f.store.PutRemoteActor(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// actor returns a remote actor from the store, fetching it when unknown.
func (f *Federation) actor(ctx context.Context, id string) (*db.RemoteActor, error) {
	a, err := f.store.GetRemoteActor(ctx, id)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	return f.fetchActor(ctx, id)
}

// publicKey is the verifier's keySource: the key with this id, from the
// memory cache, the store, or (when unknown or refresh) its owner's
// document. The key must be listed by its owner's actor document.
func (f *Federation) publicKey(ctx context.Context, keyID string, refresh bool) (string, *rsa.PublicKey, error) {
	keyID = model.NormalizeIRI(keyID)
	if f.uris.isLocal(keyID) {
		return "", nil, sigErrorf("the key claims to be ours")
	}
	if !refresh {
		f.keyMu.Lock()
		c, ok := f.keyCache[keyID]
		f.keyMu.Unlock()
		if ok {
			return c.owner, c.key.(*rsa.PublicKey), nil
		}
		if a, err := f.store.GetRemoteActorByKeyID(ctx, keyID); err == nil && keyOwnedBy(keyID, a.APID, a.APID) {
			if k, err := ParsePublicKey(a.PublicKeyPEM); err == nil {
				f.cacheKey(keyID, a.APID, k)
				return a.APID, k, nil
			}
		}
	}
	actorID, _, _ := strings.Cut(keyID, "#")
	if actorID == "" || mobilizon.Origin(actorID) == "" {
		return "", nil, sigErrorf("keyId %q is not an http(s) URL", keyID)
	}
	a, err := f.fetchActor(ctx, actorID)
	if err != nil {
		return "", nil, err
	}
	if a.KeyID != keyID {
		return "", nil, sigErrorf("the actor %s does not list the key %s as its own", a.APID, keyID)
	}
	k, err := ParsePublicKey(a.PublicKeyPEM)
	if err != nil {
		// Says what is wrong with the key itself, nothing of ours.
		return "", nil, sigErrorf("%v", err)
	}
	f.cacheKey(keyID, a.APID, k)
	return a.APID, k, nil
}

func (f *Federation) cacheKey(keyID, owner string, k *rsa.PublicKey) {
	f.keyMu.Lock()
	defer f.keyMu.Unlock()
	if len(f.keyCache) > 10000 {
		f.keyCache = map[string]cachedKey{}
	}
	f.keyCache[keyID] = cachedKey{owner: owner, key: k}
}
