package mobilizon

import (
	"strings"
)

// Kind says what a received document is, for dispatch.
type Kind string

// Kinds of documents.
const (
	KindEvent          Kind = "Event"           // a bare Event object
	KindCreateEvent    Kind = "Create{Event}"   // Create with an embedded Event
	KindUpdateEvent    Kind = "Update{Event}"   // Update with an embedded Event
	KindAnnounceEvent  Kind = "Announce{Event}" // Announce of an embedded Event (or Create{Event}, as relay outboxes hold)
	KindAnnounceRef    Kind = "Announce{id}"    // Announce of an object by id: fetch it
	KindDelete         Kind = "Delete"
	KindFollow         Kind = "Follow"
	KindAccept         Kind = "Accept"
	KindReject         Kind = "Reject"
	KindUndoFollow     Kind = "Undo{Follow}"
	KindUndo           Kind = "Undo"
	KindJoin           Kind = "Join"
	KindLeave          Kind = "Leave"
	KindCreateNote     Kind = "Create{Note}" // a comment or a post: not an event
	KindUpdateActor    Kind = "Update{Actor}"
	KindActor          Kind = "Actor"      // Person, Group, Application, Organization, Service
	KindCollection     Kind = "Collection" // OrderedCollection or Collection
	KindCollectionPage Kind = "CollectionPage"
	KindTombstone      Kind = "Tombstone"
	KindOther          Kind = "Other"
)

// Classify tells what a document is. It looks only at types and at
// whether objects are embedded.
func Classify(obj map[string]any) Kind {
	t := TypeOf(obj)
	inner, _ := obj["object"].(map[string]any)
	it := TypeOf(inner)
	switch t {
	case "Event":
		return KindEvent
	case "Create", "Update":
		switch {
		case it == "Event":
			if t == "Create" {
				return KindCreateEvent
			}
			return KindUpdateEvent
		case t == "Update" && isActorType(it):
			return KindUpdateActor
		case inner != nil:
			return KindCreateNote
		}
	case "Announce":
		switch {
		case it == "Event":
			return KindAnnounceEvent
		case it == "Create" && TypeOf(inner["object"]) == "Event":
			return KindAnnounceEvent
		case inner == nil && IDOf(obj["object"]) != "":
			return KindAnnounceRef
		case inner != nil && IDOf(inner) != "":
			return KindAnnounceRef
		}
	case "Delete":
		return KindDelete
	case "Follow":
		return KindFollow
	case "Accept":
		return KindAccept
	case "Reject":
		return KindReject
	case "Undo":
		if it == "Follow" {
			return KindUndoFollow
		}
		return KindUndo
	case "Join":
		return KindJoin
	case "Leave":
		return KindLeave
	case "OrderedCollection", "Collection":
		return KindCollection
	case "OrderedCollectionPage", "CollectionPage":
		return KindCollectionPage
	case "Tombstone":
		return KindTombstone
	default:
		if isActorType(t) {
			return KindActor
		}
	}
	return KindOther
}

// EventOf returns the Event embedded in an Event, Create/Update{Event},
// Announce{Event} or Announce{Create{Event}} document, or nil.
func EventOf(obj map[string]any) map[string]any {
	for i := 0; i < 3 && obj != nil; i++ {
		if TypeOf(obj) == "Event" {
			return obj
		}
		switch TypeOf(obj) {
		case "Create", "Update", "Announce":
			obj, _ = obj["object"].(map[string]any)
		default:
			return nil
		}
	}
	return nil
}

// RemoteActor is an actor read from another server.
type RemoteActor struct {
	ID, Type, PreferredUsername, Name, URL string
	Inbox, SharedInbox, Outbox             string
	Followers, Following                   string
	// Events is a Mobilizon Group's events collection (endpoints.events,
	// else the top-level events key), "" otherwise.
	Events                    string
	PublicKeyID, PublicKeyPEM string
	ManuallyApprovesFollowers bool
	Discoverable              bool
	// Openness is Mobilizon's invite_only, moderated or open, or "".
	Openness string
	IconURL  string
}

// ParseActor reads an actor (Person, Group, Application, Organization,
// Service) with the keys Mobilizon requires: id, type, inbox,
// preferredUsername and a public key. Collection URLs must be http(s).
func ParseActor(obj map[string]any) (*RemoteActor, error) {
	t := TypeOf(obj)
	if !isActorType(t) {
		return nil, fail("type", "\""+truncate(t, 64)+"\" is not an actor type")
	}
	a := &RemoteActor{Type: t}
	a.ID, _ = obj["id"].(string)
	if Origin(a.ID) == "" || len(a.ID) > MaxIDBytes {
		return nil, fail("id", "must be an absolute http or https URL")
	}
	str := func(k string) string { s, _ := obj[k].(string); return s }
	a.PreferredUsername = truncate(cleanLine(str("preferredUsername")), 100)
	a.Name = truncate(cleanLine(str("name")), 200)
	a.URL = httpURL(obj["url"])
	a.Inbox = httpURL(obj["inbox"])
	if a.Inbox == "" {
		return nil, fail("inbox", "is required")
	}
	a.Outbox = httpURL(obj["outbox"])
	a.Followers = httpURL(obj["followers"])
	a.Following = httpURL(obj["following"])
	if e, ok := obj["endpoints"].(map[string]any); ok {
		a.SharedInbox = httpURL(e["sharedInbox"])
		a.Events = httpURL(e["events"])
	}
	if a.Events == "" {
		a.Events = httpURL(obj["events"])
	}
	if pk, ok := obj["publicKey"].(map[string]any); ok {
		a.PublicKeyID, _ = pk["id"].(string)
		a.PublicKeyPEM, _ = pk["publicKeyPem"].(string)
	}
	if a.PublicKeyPEM == "" {
		return nil, fail("publicKey", "is required")
	}
	a.ManuallyApprovesFollowers = obj["manuallyApprovesFollowers"] == true
	a.Discoverable = obj["discoverable"] == true
	if o, _ := obj["openness"].(string); o == "invite_only" || o == "moderated" || o == "open" {
		a.Openness = o
	}
	switch ic := obj["icon"].(type) {
	case string:
		a.IconURL = httpURL(ic)
	case map[string]any:
		a.IconURL = httpURL(ic["url"])
	}
	return a, nil
}

// DeliveryInbox is where to POST to an actor: its shared inbox when it
// has one (Mobilizon's personal inboxes answer 500 unless the actor is
// addressed), else its inbox.
func (a *RemoteActor) DeliveryInbox() string {
	if a.SharedInbox != "" {
		return a.SharedInbox
	}
	return a.Inbox
}

// Collection is a collection or a page of one.
type Collection struct {
	ID, Type   string
	TotalItems int
	// First is the first page: an embedded page (FirstPage) or its URL.
	First     string
	FirstPage map[string]any
	Next      string
	PartOf    string
	// Items are orderedItems or items, as found.
	Items []any
}

// ParseCollection reads an OrderedCollection, Collection or a page.
func ParseCollection(obj map[string]any) (*Collection, error) {
	t := TypeOf(obj)
	switch t {
	case "OrderedCollection", "Collection", "OrderedCollectionPage", "CollectionPage":
	default:
		return nil, fail("type", "\""+truncate(t, 64)+"\" is not a collection")
	}
	c := &Collection{Type: t}
	c.ID, _ = obj["id"].(string)
	if f, _, ok := number(obj["totalItems"]); ok && f >= 0 {
		c.TotalItems = int(f)
	}
	switch f := obj["first"].(type) {
	case string:
		c.First = f
	case map[string]any:
		c.FirstPage = f
		c.First = IDOf(f)
	}
	c.Next = IDOf(obj["next"])
	c.PartOf = IDOf(obj["partOf"])
	for _, k := range []string{"orderedItems", "items"} {
		if l, ok := obj[k].([]any); ok {
			c.Items = l
			break
		}
	}
	return c, nil
}

// IsPageOne reports whether a collection page URL ends in ?page=1, the
// Mobilizon form whose other pages are ?page=N.
func IsPageOne(u string) bool {
	return strings.HasSuffix(u, "?page=1") || strings.Contains(u, "?page=1&")
}
