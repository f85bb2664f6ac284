package federation

import (
	"crypto/sha1"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// URIs builds every ActivityPub id and URL Bastide publishes. Nothing else
// in the program concatenates them: ids are absolute and must never change
// once published, so they all come from the configured base URL here.
// URIs implements mobilizon.URIs.
type URIs struct {
	base string // scheme://host[:port], no trailing slash
	host string // host[:port], for acct: handles
}

// NewURIs checks the base URL (absolute http(s), no path, query or fragment).
func NewURIs(baseURL string) (*URIs, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("federation: base URL %q must be an absolute http(s) URL such as https://agenda.example.org", baseURL)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("federation: base URL %q must have no path, query, fragment or user (ActivityPub ids live at the root of the host)", baseURL)
	}
	// The base is spelled as remote ids are (model.NormalizeIRI), so that
	// ours compare equal to theirs however the configuration wrote it.
	base := model.IRIOrigin(u.String())
	return &URIs{base: base, host: strings.TrimPrefix(base, u.Scheme+"://")}, nil
}

// Base is the base URL without a trailing slash.
func (u *URIs) Base() string { return u.base }

// Host is the host (with port when not the default) used in acct: handles.
func (u *URIs) Host() string { return u.host }

// ActorID is an association's Group actor.
func (u *URIs) ActorID(slug string) string { return u.base + model.AssociationPath(slug) }

// KeyID is the id of an actor's public key.
func (u *URIs) KeyID(actorID string) string { return actorID + "#main-key" }

// ActorInbox is an association's own inbox.
func (u *URIs) ActorInbox(slug string) string { return u.ActorID(slug) + "/inbox" }

// ActorOutbox is an association's outbox.
func (u *URIs) ActorOutbox(slug string) string { return u.ActorID(slug) + "/outbox" }

// FollowersID is an association's followers collection.
func (u *URIs) FollowersID(slug string) string { return u.ActorID(slug) + "/followers" }

// FollowingID is an association's following collection.
func (u *URIs) FollowingID(slug string) string { return u.ActorID(slug) + "/following" }

// EventID is the id of a published event (or occurrence) object.
func (u *URIs) EventID(uuid string) string { return u.base + model.EventPath(uuid) }

// EventURL is the page of an event for people.
func (u *URIs) EventURL(uuid string) string { return u.base + model.EventPath(uuid) }

// RelayID is the instance actor (an Application), followed by instances.
func (u *URIs) RelayID() string { return u.base + "/relay" }

// RelayInbox is the relay's inbox: the shared inbox, as Mobilizon does.
func (u *URIs) RelayInbox() string { return u.SharedInbox() }

// RelayOutbox is the relay's outbox.
func (u *URIs) RelayOutbox() string { return u.base + "/relay/outbox" }

// RelayFollowers is the relay's followers collection.
func (u *URIs) RelayFollowers() string { return u.base + "/relay/followers" }

// RelayFollowing is the relay's following collection.
func (u *URIs) RelayFollowing() string { return u.base + "/relay/following" }

// SharedInbox is the instance's shared inbox.
func (u *URIs) SharedInbox() string { return u.base + "/inbox" }

// ActivityID is the id of an outgoing activity about an object.
func (u *URIs) ActivityID(objectID, kind, token string) string {
	return objectID + "/activity/" + kind + "-" + token
}

// FollowActivityID is the id of a Follow we send.
func (u *URIs) FollowActivityID(uuid string) string { return u.base + "/follows/" + uuid }

// AcceptID is the id of the Accept (or Reject) of a remote Follow.
func (u *URIs) AcceptID(kind string, followerRow int64, token string) string {
	return fmt.Sprintf("%s/%s/follow/%d-%s", u.base, kind, followerRow, token)
}

// UndoID is the id of the Undo of one of our Follows.
func (u *URIs) UndoID(followUUID string) string { return u.base + "/follows/" + followUUID + "/undo" }

// WebFingerSubject is the acct: handle of an association or of the relay.
func (u *URIs) WebFingerSubject(name string) string { return "acct:" + name + "@" + u.host }

// WebFingerTemplate is the lrdd template of host-meta.
func (u *URIs) WebFingerTemplate() string { return u.base + "/.well-known/webfinger?resource={uri}" }

// NodeInfo is the NodeInfo document of a schema version ("2.0", "2.1").
func (u *URIs) NodeInfo(version string) string { return u.base + "/nodeinfo/" + version }

// Interact is the remote-interaction template (ostatus subscribe).
func (u *URIs) Interact() string { return u.base + "/interact?uri={uri}" }

// OccurrenceUUID derives the stable UUID of one occurrence of a series
// from the series UUID and the occurrence's RECURRENCE-ID: a name-based
// (version 5 style, SHA-1) UUID, so that the same occurrence always gets
// the same ActivityPub id, and Mobilizon, which requires a UUID, accepts it.
func OccurrenceUUID(seriesUUID string, recurrenceID time.Time) string {
	h := sha1.Sum([]byte("bastide-occurrence:" + seriesUUID + ":" + recurrenceID.UTC().Format("20060102T150405Z")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := fmt.Sprintf("%x", h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// occurrenceURIs is URIs for one occurrence of a series: its id is the
// occurrence's own, its url the page of the series.
type occurrenceURIs struct {
	*URIs
	occurrence, series string
}

// EventURL sends people to the series' page.
func (o occurrenceURIs) EventURL(uuid string) string {
	if uuid == o.occurrence {
		return o.URIs.EventURL(o.series)
	}
	return o.URIs.EventURL(uuid)
}

// parseLocal tells which local actor an IRI names: an association slug,
// or relay = true. ok is false for anything else.
func (u *URIs) parseLocal(iri string) (slug string, relay, ok bool) {
	iri = model.NormalizeIRI(iri)
	if iri == u.RelayID() {
		return "", true, true
	}
	rest, found := strings.CutPrefix(iri, u.base+model.AssociationPathPrefix)
	if !found || rest == "" || strings.ContainsAny(rest, "/?#") {
		return "", false, false
	}
	return rest, false, true
}

// isLocal reports whether an IRI is on this instance.
func (u *URIs) isLocal(iri string) bool {
	iri = model.NormalizeIRI(iri)
	return iri == u.base || strings.HasPrefix(iri, u.base+"/") || strings.HasPrefix(iri, u.base+"#")
}

// InboxID is an association's own inbox (mobilizon.ActorURIs).
func (u *URIs) InboxID(slug string) string { return u.ActorInbox(slug) }

// OutboxID is an association's outbox (mobilizon.ActorURIs).
func (u *URIs) OutboxID(slug string) string { return u.ActorOutbox(slug) }

// SharedInboxID is the shared inbox (mobilizon.ActorURIs).
func (u *URIs) SharedInboxID() string { return u.SharedInbox() }

// PageID is page n (from 1) of one of our collections.
func (u *URIs) PageID(collection string, n int) string {
	return fmt.Sprintf("%s?page=%d", collection, n)
}
