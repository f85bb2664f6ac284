package mobilizon

import (
	"strings"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// ActorURIs is optionally implemented by a URIs value to name an actor's
// collections. Without it they are derived from the actor id as in
// Bastide's URL map: <actor>/inbox, <actor>/outbox, <actor>/following and
// the shared inbox <origin>/inbox.
type ActorURIs interface {
	InboxID(slug string) string
	OutboxID(slug string) string
	FollowingID(slug string) string
	SharedInboxID() string
}

func actorURIs(u URIs, slug string) (inbox, outbox, following, shared string) {
	if x, ok := u.(ActorURIs); ok {
		return x.InboxID(slug), x.OutboxID(slug), x.FollowingID(slug), x.SharedInboxID()
	}
	id := strings.TrimSuffix(u.ActorID(slug), "/")
	return id + "/inbox", id + "/outbox", id + "/following", Origin(id) + "/inbox"
}

// KeyID is the id of an actor's public key: the actor id + "#main-key",
// the form Mobilizon requires (it strips the fragment to find the actor).
func KeyID(actorID string) string { return actorID + "#main-key" }

// GroupActor builds the Group actor of an association with Mobilizon's
// keys (reference §3.1): Mobilizon users can follow only Groups. It
// carries @context, since it is served alone. publicKeyPEM may be PKCS#1
// or SPKI; Mobilizon reads both.
//
// openness is "invite_only" (nobody joins a Bastide association from
// Mobilizon), discoverable true, manuallyApprovesFollowers from the
// association. The home commune, when set, becomes the Group's location.
func GroupActor(a *model.Association, u URIs, publicKeyPEM string) map[string]any {
	id := u.ActorID(a.Slug)
	inbox, outbox, following, shared := actorURIs(u, a.Slug)
	summary := ""
	if a.Description != "" {
		summary = TextToHTML(truncate(a.Description, 5000))
		if len(summary) > 5000 {
			summary = TextToHTML(truncate(a.Description, 3000))
		}
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		name = a.Slug
	}
	obj := map[string]any{
		"@context":                  Context(),
		"id":                        id,
		"url":                       id,
		"type":                      "Group",
		"preferredUsername":         a.Slug,
		"name":                      name,
		"summary":                   summary,
		"inbox":                     inbox,
		"outbox":                    outbox,
		"followers":                 u.FollowersID(a.Slug),
		"following":                 following,
		"endpoints":                 map[string]any{"sharedInbox": shared},
		"discoverable":              true,
		"openness":                  "invite_only",
		"manuallyApprovesFollowers": a.ManuallyApprovesFollowers,
		"publicKey": map[string]any{
			"id":           KeyID(id),
			"owner":        id,
			"publicKeyPem": publicKeyPEM,
		},
		"attachment": []any{},
	}
	if w := strings.TrimSpace(a.Website); strings.HasPrefix(w, "https://") || strings.HasPrefix(w, "http://") {
		obj["attachment"] = []any{map[string]any{
			"type":  "PropertyValue",
			"name":  "Site web",
			"value": linkify(w, false),
		}}
	}
	if c, ok := model.CommuneByINSEE(a.CommuneINSEE); ok {
		addr := map[string]any{
			"type":            "PostalAddress",
			"streetAddress":   nil,
			"postalCode":      nil,
			"addressLocality": c.Name,
			"addressRegion":   "Nouvelle-Aquitaine",
			"addressCountry":  "France",
		}
		if len(c.Postcodes) > 0 {
			addr["postalCode"] = c.Postcodes[0]
		}
		obj["location"] = map[string]any{
			"type": "Place", "name": c.Name, "address": addr,
			"latitude": Float(c.Lat), "longitude": Float(c.Lon),
		}
	}
	if !a.CreatedAt.IsZero() {
		obj["published"] = a.CreatedAt.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	return obj
}

// RelayActor builds the instance actor, an Application with
// preferredUsername "relay" (reference §3.1, §6.2): inbox <relay>/inbox,
// endpoints.sharedInbox the shared inbox: Mobilizon instances follow it, and it
// Announces public events so that they are listed there.
func RelayActor(u URIs, name, publicKeyPEM string, manuallyApprovesFollowers bool) map[string]any {
	id := u.RelayID()
	_, _, _, shared := actorURIs(u, "")
	base := strings.TrimSuffix(id, "/")
	return map[string]any{
		"@context":                  Context(),
		"id":                        id,
		"url":                       id,
		"type":                      "Application",
		"preferredUsername":         "relay",
		"name":                      name,
		"summary":                   "",
		"inbox":                     base + "/inbox",
		"outbox":                    base + "/outbox",
		"followers":                 base + "/followers",
		"following":                 base + "/following",
		"endpoints":                 map[string]any{"sharedInbox": shared},
		"discoverable":              false,
		"manuallyApprovesFollowers": manuallyApprovesFollowers,
		"publicKey": map[string]any{
			"id":           KeyID(id),
			"owner":        id,
			"publicKeyPem": publicKeyPEM,
		},
	}
}
