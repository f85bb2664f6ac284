package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// Content types we serve.
const (
	contentAP   = "application/activity+json; charset=utf-8"
	contentJSON = "application/json; charset=utf-8"
	contentJRD  = "application/jrd+json; charset=utf-8"
)

// pageSize is the size of our collection pages (Mobilizon's too).
const pageSize = 10

func (f *Federation) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/webfinger", f.serveWebFinger)
	mux.HandleFunc("GET /.well-known/nodeinfo", f.serveNodeInfoIndex)
	mux.HandleFunc("GET /.well-known/host-meta", f.serveHostMeta)
	mux.HandleFunc("GET /nodeinfo/{version}", f.serveNodeInfo)
	mux.HandleFunc("GET /.well-known/nodeinfo/{version}", f.serveNodeInfo)
	mux.HandleFunc("GET /relay", f.serveRelay)
	mux.HandleFunc("GET /relay/outbox", f.serveRelayOutbox)
	mux.HandleFunc("GET /relay/followers", f.serveRelayFollowers)
	mux.HandleFunc("GET /relay/following", f.serveRelayFollowing)
	mux.HandleFunc("POST /relay/inbox", f.serveInbox)
	mux.HandleFunc("POST /inbox", f.serveInbox)
	mux.HandleFunc("GET /events/{uuid}", f.serveEvent)
	mux.HandleFunc("/", f.serveActorPaths)
	return mux
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Vary", "Accept")
	w.WriteHeader(status)
	w.Write(b)
}

func httpError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, contentJSON, map[string]string{"error": msg})
}

// ---- discovery ----

var acctRe = regexp.MustCompile(`^(?:acct:)?@?([a-z0-9][a-z0-9._-]*)@(.+)$`)

func (f *Federation) serveWebFinger(w http.ResponseWriter, r *http.Request) {
	res := r.URL.Query().Get("resource")
	var name string
	if m := acctRe.FindStringSubmatch(strings.ToLower(res)); m != nil {
		if m[2] != f.uris.Host() {
			httpError(w, http.StatusNotFound, "this server only answers for "+f.uris.Host())
			return
		}
		name = m[1]
	} else if slug, relay, ok := f.uris.parseLocal(res); ok {
		name = slug
		if relay {
			name = "relay"
		}
	} else {
		httpError(w, http.StatusBadRequest, "resource must be acct:name@"+f.uris.Host()+" or an actor URL")
		return
	}
	var id, profile string
	if name == "relay" {
		id = f.uris.RelayID()
	} else {
		a, err := f.store.GetAssociationBySlug(r.Context(), name)
		if err != nil {
			if errors.Is(err, db.ErrNotFound) {
				httpError(w, http.StatusNotFound, "no such account")
				return
			}
			f.serverError(w, r, err)
			return
		}
		id = f.uris.ActorID(a.Slug)
		profile = id
	}
	links := []any{
		map[string]any{"rel": "self", "type": "application/activity+json", "href": id},
		map[string]any{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": f.uris.Interact()},
	}
	if profile != "" {
		links = append(links, map[string]any{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": profile})
	}
	ct := contentJRD
	if accepts(r, "application/json") && !accepts(r, "application/jrd+json") {
		ct = contentJSON
	}
	writeJSON(w, http.StatusOK, ct, map[string]any{
		"subject": f.uris.WebFingerSubject(name),
		"aliases": []any{id},
		"links":   links,
	})
}

func accepts(r *http.Request, mt string) bool {
	return strings.Contains(r.Header.Get("Accept"), mt)
}

func (f *Federation) serveHostMeta(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" type="application/jrd+json" template="%s"/>
</XRD>
`, html.EscapeString(f.uris.WebFingerTemplate()))
}

func (f *Federation) serveNodeInfoIndex(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, contentJSON, map[string]any{
		"links": []any{
			map[string]any{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": f.uris.NodeInfo("2.0")},
			map[string]any{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": f.uris.NodeInfo("2.1")},
			map[string]any{"rel": "https://www.w3.org/ns/activitystreams#Application", "href": f.uris.RelayID()},
		},
	})
}

func (f *Federation) serveNodeInfo(w http.ResponseWriter, r *http.Request) {
	v := r.PathValue("version")
	if v != "2.0" && v != "2.1" {
		httpError(w, http.StatusNotFound, "NodeInfo versions 2.0 and 2.1 are served")
		return
	}
	ctx := r.Context()
	assocs, err := f.store.ListAssociations(ctx)
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	users, err := f.store.ListUsers(ctx)
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	name, description, err := f.nodeNames(ctx)
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	posts, err := f.store.CountLivePublishedAll(ctx)
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	software := map[string]any{"name": "bastide", "version": f.cfg.Version}
	if v == "2.1" {
		software["repository"] = "https://github.com/bastide47/bastide"
		software["homepage"] = f.uris.Base()
	}
	doc := map[string]any{
		"version":           v,
		"software":          software,
		"protocols":         []any{"activitypub"},
		"services":          map[string]any{"inbound": []any{}, "outbound": []any{"atom1.0", "rss2.0"}},
		"openRegistrations": false,
		"usage": map[string]any{
			"users":      map[string]any{"total": len(users) + len(assocs)},
			"localPosts": posts,
		},
		"metadata": map[string]any{"nodeName": name, "nodeDescription": description},
	}
	writeJSON(w, http.StatusOK, contentJSON+`; profile="http://nodeinfo.diaspora.software/ns/schema/`+v+`#"`, doc)
}

// ---- actors ----

func (f *Federation) serveRelay(w http.ResponseWriter, r *http.Request) {
	_, pub, err := f.keys.relay(r.Context())
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	name, description, err := f.nodeNames(r.Context())
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	actor := mobilizon.RelayActor(f.uris, name, pub, false)
	actor["summary"] = description
	writeJSON(w, http.StatusOK, contentAP, actor)
}

// nodeNames are the instance's name and description: the admin's
// settings (db.InstanceSettings), else the configured ones.
func (f *Federation) nodeNames(ctx context.Context) (name, description string, err error) {
	st, err := f.store.InstanceSettings(ctx)
	if err != nil {
		return "", "", err
	}
	name, description = f.cfg.NodeName, f.cfg.NodeDescription
	if st.Name != model.DefaultInstanceName {
		name = st.Name
	}
	if st.Description != "" {
		description = st.Description
	}
	return name, description, nil
}

// serveActorPaths serves /@{slug} and its inbox and collections.
func (f *Federation) serveActorPaths(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, model.AssociationPathPrefix)
	if !ok || rest == "" {
		httpError(w, http.StatusNotFound, "not found")
		return
	}
	slug, sub, _ := strings.Cut(rest, "/")
	if !model.ValidSlug(slug) {
		httpError(w, http.StatusNotFound, "not found")
		return
	}
	a, err := f.store.GetAssociationBySlug(r.Context(), slug)
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			httpError(w, http.StatusNotFound, "no such association")
			return
		}
		f.serverError(w, r, err)
		return
	}
	switch {
	case sub == "inbox" && r.Method == http.MethodPost:
		f.serveInbox(w, r)
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		httpError(w, http.StatusMethodNotAllowed, "method not allowed")
	case sub == "":
		_, pub, err := f.keys.association(r.Context(), a.ID)
		if err != nil {
			f.serverError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, contentAP, mobilizon.GroupActor(a, f.uris, pub))
	case sub == "outbox":
		f.serveOutbox(w, r, a)
	case sub == "followers":
		n, err := f.store.CountFollowers(r.Context(), a.ID)
		if err != nil {
			f.serverError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, contentAP, emptyCollection(f.uris.FollowersID(a.Slug), n))
	case sub == "following":
		writeJSON(w, http.StatusOK, contentAP, emptyCollection(f.uris.FollowingID(a.Slug), 0))
	default:
		httpError(w, http.StatusNotFound, "not found")
	}
}

// emptyCollection is a collection whose items are not listed (followers:
// only the count is public).
func emptyCollection(id string, total int) map[string]any {
	return map[string]any{
		"@context":   mobilizon.Context(),
		"id":         id,
		"type":       "OrderedCollection",
		"totalItems": total,
	}
}

func (f *Federation) serveRelayFollowers(w http.ResponseWriter, r *http.Request) {
	n, err := f.store.CountFollowers(r.Context(), 0)
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, contentAP, emptyCollection(f.uris.RelayFollowers(), n))
}

func (f *Federation) serveRelayFollowing(w http.ResponseWriter, r *http.Request) {
	follows, err := f.store.ListFollows(r.Context())
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	items := []any{}
	for _, fl := range follows {
		if fl.State == db.FollowAccepted {
			items = append(items, fl.Object)
		}
	}
	c := emptyCollection(f.uris.RelayFollowing(), len(items))
	c["orderedItems"] = items
	writeJSON(w, http.StatusOK, contentAP, c)
}

func (f *Federation) serveRelayOutbox(w http.ResponseWriter, r *http.Request) {
	f.servePagedOutbox(w, r, nil)
}

// serveOutbox pages through an association's upcoming published events,
// newest published first (Mobilizon reads only page 1 when it follows),
// as Create activities embedding the Event.
func (f *Federation) serveOutbox(w http.ResponseWriter, r *http.Request, a *model.Association) {
	f.servePagedOutbox(w, r, a)
}

// outboxPast is how long after its start an event is still in the
// outboxes (and in the relay's backlog, announceBacklog).
const outboxPast = 24 * time.Hour

// servePagedOutbox serves an association's outbox, or the relay's (a nil
// association): Announces of every association's upcoming events.
func (f *Federation) servePagedOutbox(w http.ResponseWriter, r *http.Request, a *model.Association) {
	ctx := r.Context()
	id, owner := f.uris.RelayOutbox(), f.uris.RelayID()
	if a != nil {
		id, owner = f.uris.ActorOutbox(a.Slug), f.uris.ActorID(a.Slug)
	}
	from := f.cfg.Now().Add(-outboxPast)
	var total int
	var err error
	if a != nil {
		total, err = f.store.CountLivePublished(ctx, a.ID, from)
	} else {
		total, err = f.store.CountLivePublishedFrom(ctx, from)
	}
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	ps := r.URL.Query().Get("page")
	if ps == "" {
		writeJSON(w, http.StatusOK, contentAP, map[string]any{
			"@context":     mobilizon.Context(),
			"id":           id,
			"type":         "OrderedCollection",
			"attributedTo": owner,
			"totalItems":   total,
			"first":        f.uris.PageID(id, 1),
		})
		return
	}
	page, err := strconv.Atoi(ps)
	if err != nil || page < 1 || page > 10000 {
		httpError(w, http.StatusBadRequest, "page must be a positive integer")
		return
	}
	var objs []*db.PublishedObject
	if a != nil {
		objs, err = f.store.ListLivePublished(ctx, a.ID, from, pageSize, (page-1)*pageSize)
	} else {
		objs, err = f.store.ListLivePublishedAll(ctx, from, pageSize, (page-1)*pageSize)
	}
	if err != nil {
		f.serverError(w, r, err)
		return
	}
	items := []any{}
	slugs := map[int64]string{}
	for _, p := range objs {
		obj, err := f.publishedObject(ctx, p)
		if err != nil {
			if errors.Is(err, db.ErrNotFound) {
				continue
			}
			f.serverError(w, r, err)
			return
		}
		slug, ok := slugs[p.AssociationID]
		if !ok {
			if slug, err = f.keys.slug(ctx, p.AssociationID); err != nil {
				continue
			}
			slugs[p.AssociationID] = slug
		}
		group := f.uris.ActorID(slug)
		create := map[string]any{
			"type":      "Create",
			"id":        f.uris.ActivityID(mobilizon.IDOf(obj), "create", "outbox"),
			"actor":     group,
			"to":        []any{mobilizon.Public},
			"cc":        []any{f.uris.FollowersID(slug)},
			"published": obj["published"],
			"object":    obj,
		}
		if a != nil {
			items = append(items, create)
			continue
		}
		items = append(items, map[string]any{
			"type":      "Announce",
			"id":        f.uris.ActivityID(mobilizon.IDOf(obj), "announce", "outbox"),
			"actor":     owner,
			"to":        []any{f.uris.RelayFollowers()},
			"cc":        []any{mobilizon.Public},
			"published": obj["published"],
			"object":    obj,
		})
	}
	out := map[string]any{
		"@context":     mobilizon.Context(),
		"id":           f.uris.PageID(id, page),
		"type":         "OrderedCollectionPage",
		"partOf":       id,
		"attributedTo": owner,
		"totalItems":   total,
		"orderedItems": items,
	}
	if page*pageSize < total {
		out["next"] = f.uris.PageID(id, page+1)
	}
	if page > 1 {
		out["prev"] = f.uris.PageID(id, page-1)
	}
	writeJSON(w, http.StatusOK, contentAP, out)
}

// ---- events ----

// serveEvent serves /events/{uuid}: the Event (or one occurrence) for a
// published public event, 410 with a Tombstone for a deleted one (forever),
// a redirect to the origin for a remote event.
func (f *Federation) serveEvent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	uuid := r.PathValue("uuid")
	if len(uuid) > 64 {
		httpError(w, http.StatusNotFound, "no such event")
		return
	}
	if p, err := f.store.GetPublished(ctx, uuid); err == nil {
		if p.State == db.PublishedDeleted {
			f.serveTombstone(w, uuid, p.UpdatedAt)
			return
		}
		obj, err := f.publishedObject(ctx, p)
		if err == nil {
			obj["@context"] = mobilizon.Context()
			writeJSON(w, http.StatusOK, contentAP, obj)
			return
		}
		if !errors.Is(err, db.ErrNotFound) {
			f.serverError(w, r, err)
			return
		}
	} else if !errors.Is(err, db.ErrNotFound) {
		f.serverError(w, r, err)
		return
	}
	ev, err := f.store.GetEventByUUID(ctx, uuid)
	if err == nil {
		if ev.Origin == model.OriginRemote && ev.APID != "" {
			http.Redirect(w, r, ev.APID, http.StatusFound)
			return
		}
		if ev.Recurring {
			// The series is published as its occurrences, each an Event
			// of its own id; the series itself as one more Event would be
			// a duplicate of the first occurrence for whoever imports
			// this URL (its page, the occurrences' url).
			httpError(w, http.StatusNotFound, "this is a recurring series: each of its occurrences is an Event of its own, listed in the association's outbox")
			return
		}
		src, err := f.eventSource(ctx, ev)
		if err != nil || !src.publishable() {
			httpError(w, http.StatusNotFound, "no such event")
			return
		}
		obj := mobilizon.EventObject(ev, src.assoc, src.place, f.uris)
		obj["@context"] = mobilizon.Context()
		writeJSON(w, http.StatusOK, contentAP, obj)
		return
	}
	if !errors.Is(err, db.ErrNotFound) {
		f.serverError(w, r, err)
		return
	}
	if t, err := f.store.GetTombstone(ctx, uuid); err == nil && t.Public && t.Origin != model.OriginRemote {
		f.serveTombstone(w, uuid, t.DeletedAt)
		return
	}
	httpError(w, http.StatusNotFound, "no such event")
}

func (f *Federation) serveTombstone(w http.ResponseWriter, uuid string, deleted time.Time) {
	doc := f.tombstone(uuid, deleted)
	doc["@context"] = mobilizon.Context()
	writeJSON(w, http.StatusGone, contentAP, doc)
}

func (f *Federation) serverError(w http.ResponseWriter, r *http.Request, err error) {
	f.log.ErrorContext(r.Context(), "federation: request failed", "path", r.URL.Path, "err", err)
	httpError(w, http.StatusInternalServerError, "internal error")
}
