package mobilizon

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ActorTypes are the actor types Mobilizon imports (others give
// :actor_not_allowed_type).
var ActorTypes = []string{"Application", "Group", "Organization", "Person", "Service"}

func isActorType(t string) bool {
	for _, a := range ActorTypes {
		if t == a {
			return true
		}
	}
	return false
}

type problems struct{ list []string }

func (p *problems) add(path, format string, args ...any) {
	if path != "" {
		path += ": "
	}
	p.list = append(p.list, path+fmt.Sprintf(format, args...))
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Validate applies Mobilizon 5's ingest rules (reference §3.2, §5, §6, §12)
// to an activity or an object, as it would be received. It returns one
// human-readable problem per rule broken, "path: what Mobilizon does"; an
// empty result means Mobilizon would take the document as meant. Problems
// cover what Mobilizon rejects (changeset errors), what makes its
// processing crash and drop the activity silently after answering 200,
// and what it silently degrades: an event not public in `to` (unlisted),
// an unknown category (stored as MEETING), coordinates that are not JSON
// floats (dropped), tags of 40 characters or more (dropped), a draft.
//
// Integer coordinates can only be told from floats when the document was
// decoded with Decode (json.Number) or built with Float values.
func Validate(activityOrObject map[string]any) []string {
	var p problems
	validateDoc(&p, "", activityOrObject, 0)
	return p.list
}

func validateDoc(p *problems, path string, o map[string]any, depth int) {
	if depth > 4 {
		p.add(path, "nested too deeply")
		return
	}
	rawType, hasType := o["type"]
	typ, isString := rawType.(string)
	switch {
	case !hasType:
		p.add(join(path, "type"), "is missing")
		return
	case !isString:
		p.add(join(path, "type"), "must be a single string: Mobilizon matches the type exactly")
		return
	}
	switch {
	case typ == "Event":
		validateEvent(p, path, o)
	case typ == "Create" || typ == "Update":
		validateCreate(p, path, o, depth)
	case typ == "Delete":
		requireKeys(p, path, o, "id", "actor", "object")
		checkActorRef(p, join(path, "actor"), o["actor"], true)
		if _, ok := o["object"].(map[string]any); !ok && !isURL(o["object"]) && o["object"] != nil {
			p.add(join(path, "object"), "must be a URL or an object with an id")
		}
		if m, ok := o["object"].(map[string]any); ok && IDOf(m) == "" {
			p.add(join(path, "object.id"), "is required")
		}
	case typ == "Announce":
		requireKeys(p, path, o, "id", "actor", "object")
		checkActorRef(p, join(path, "actor"), o["actor"], true)
		switch obj := o["object"].(type) {
		case string:
			if !isURL(obj) {
				p.add(join(path, "object"), "is not an http(s) URL")
			}
		case map[string]any:
			t := TypeOf(obj)
			if t == "Create" || t == "Update" {
				p.add(join(path, "object"), "is a %s: Mobilizon re-fetches the announced object by id and must find the Event itself there, so announce the Event (its id or the object)", t)
			}
			if IDOf(obj) == "" {
				p.add(join(path, "object.id"), "is required: Mobilizon re-fetches announced objects by id")
			}
			if t == "Event" {
				validateEvent(p, join(path, "object"), obj)
			}
		default:
			p.add(join(path, "object"), "must be the Event's id or the Event")
		}
	case typ == "Follow":
		requireKeys(p, path, o, "id", "actor", "object")
		if _, ok := o["actor"].(string); !ok && o["actor"] != nil {
			p.add(join(path, "actor"), "must be a URL string")
		}
		if _, ok := o["object"].(string); !ok && o["object"] != nil {
			p.add(join(path, "object"), "must be the followed actor's URL as a string: Mobilizon ignores a Follow with an embedded object")
		}
	case typ == "Accept" || typ == "Reject":
		requireKeys(p, path, o, "id", "actor", "object")
		checkActorRef(p, join(path, "actor"), o["actor"], true)
		switch obj := o["object"].(type) {
		case string:
		case map[string]any:
			if IDOf(obj) == "" {
				p.add(join(path, "object.id"), "is required: Mobilizon matches the %s by the Follow's id", typ)
			}
		case nil:
		default:
			p.add(join(path, "object"), "must be the Follow's id or the Follow")
		}
	case typ == "Undo":
		requireKeys(p, path, o, "id", "actor", "object")
		checkActorRef(p, join(path, "actor"), o["actor"], true)
		if m, ok := o["object"].(map[string]any); ok {
			if TypeOf(m) == "Follow" {
				validateDoc(p, join(path, "object"), m, depth+1)
			}
		} else if o["object"] != nil {
			p.add(join(path, "object"), "must be embedded: Mobilizon does not support Undo with a URL")
		}
	case typ == "Join" || typ == "Leave":
		requireKeys(p, path, o, "id", "actor", "object")
		checkActorRef(p, join(path, "actor"), o["actor"], true)
	case isActorType(typ):
		validateActor(p, path, o)
	case typ == "Tombstone":
		requireKeys(p, path, o, "id")
	case typ == "Note":
		requireKeys(p, path, o, "id", "attributedTo")
	case typ == "OrderedCollection" || typ == "Collection" || typ == "OrderedCollectionPage" || typ == "CollectionPage":
		requireKeys(p, path, o, "id")
	case typ == "Person" || typ == "Member":
	default:
		p.add(join(path, "type"), "%q is not handled by Mobilizon", truncate(typ, 64))
	}
}

func requireKeys(p *problems, path string, o map[string]any, keys ...string) {
	for _, k := range keys {
		v, ok := o[k]
		if !ok || v == nil || v == "" {
			p.add(join(path, k), "is required")
		}
	}
}

func isURL(v any) bool {
	s, ok := v.(string)
	return ok && Origin(s) != ""
}

// checkActorRef: a URL string or one object with an id; never a list.
func checkActorRef(p *problems, path string, v any, required bool) {
	switch x := v.(type) {
	case nil:
		if required {
			return // reported by requireKeys
		}
	case string:
		if !isURL(x) {
			p.add(path, "%q is not an http(s) URL", truncate(x, 100))
		}
	case map[string]any:
		if !isURL(x["id"]) {
			p.add(path, "an embedded actor needs an http(s) id")
		}
	case []any:
		p.add(path, "is a list: Mobilizon needs one actor (a URL or an object with an id) and finds none")
	default:
		p.add(path, "must be a URL or an object with an id")
	}
}

func validateCreate(p *problems, path string, o map[string]any, depth int) {
	typ := o["type"].(string)
	requireKeys(p, path, o, "id", "actor")
	checkActorRef(p, join(path, "actor"), o["actor"], true)
	obj, ok := o["object"].(map[string]any)
	if !ok {
		if _, isStr := o["object"].(string); isStr {
			p.add(join(path, "object"), "is a URL: Mobilizon handles %s only with the object embedded", typ)
		} else {
			p.add(join(path, "object"), "is required, embedded")
		}
		return
	}
	validateDoc(p, join(path, "object"), obj, depth+1)
	ot := TypeOf(obj)
	actor := IDOf(o["actor"])
	if id := IDOf(obj); ot == "Event" && actor != "" && id != "" && !SameOrigin(actor, id) {
		p.add(join(path, "object.id"), "is not on the origin of the %s's actor %s: the event must come from its own server", typ, hostOf(actor))
	}
	if isActorType(ot) && typ == "Update" && actor != "" && IDOf(obj) != actor {
		p.add(join(path, "object.id"), "an actor may only update itself")
	}
}

func validateEvent(p *problems, path string, o map[string]any) {
	id, _ := o["id"].(string)
	switch {
	case o["id"] == nil:
		p.add(join(path, "id"), "is required (it becomes the event's URL)")
	case !isURL(id):
		p.add(join(path, "id"), "must be an absolute http(s) URL")
	}
	// Title: required, 3 to 200 characters.
	switch name := o["name"].(type) {
	case string:
		n := utf8.RuneCountInString(strings.TrimSpace(name))
		if n < MinNameRunes || n > MaxNameRunes {
			p.add(join(path, "name"), "has %d characters: Mobilizon requires 3 to 200", n)
		}
	case nil:
		p.add(join(path, "name"), "is required")
	default:
		p.add(join(path, "name"), "must be a string")
	}
	// Times.
	var start time.Time
	switch s := o["startTime"].(type) {
	case string:
		t, err := strictTime(s)
		if err != nil {
			p.add(join(path, "startTime"), "%v", err)
		}
		start = t
	case nil:
		p.add(join(path, "startTime"), "is required")
	default:
		p.add(join(path, "startTime"), "must be an ISO 8601 date-time string")
	}
	switch s := o["endTime"].(type) {
	case string:
		t, err := strictTime(s)
		if err != nil {
			p.add(join(path, "endTime"), "%v", err)
		} else if !start.IsZero() && t.Before(start) {
			p.add(join(path, "endTime"), "is before startTime: Mobilizon rejects the event")
		}
	case nil:
	default:
		p.add(join(path, "endTime"), "must be an ISO 8601 date-time string or null")
	}
	// Organiser and group.
	_, hasAttr := o["attributedTo"]
	actor, hasActor := o["actor"]
	switch {
	case !hasAttr:
		p.add(join(path, "attributedTo"), "is missing: Mobilizon finds no organiser and drops the event")
	case o["attributedTo"] == nil:
		if actor == nil {
			p.add(join(path, "attributedTo"), "is null and there is no actor: no organiser")
		}
	default:
		checkActorRef(p, join(path, "attributedTo"), o["attributedTo"], false)
	}
	if hasActor && actor != nil {
		checkActorRef(p, join(path, "actor"), actor, false)
	}
	if id != "" {
		if a := IDOf(o["attributedTo"]); a != "" && !SameOrigin(a, id) {
			p.add(join(path, "attributedTo"), "is on %s, not on the event's origin %s: Mobilizon's origin check fails on fetch", hostOf(a), hostOf(id))
		}
		if a := IDOf(actor); a != "" && !SameOrigin(a, id) {
			p.add(join(path, "actor"), "is on %s, not on the event's origin %s: Mobilizon's origin check fails on fetch", hostOf(a), hostOf(id))
		}
	}
	// Audience.
	switch to := o["to"].(type) {
	case nil:
		p.add(join(path, "to"), "is missing: Mobilizon fails to read the visibility and drops the event")
	case string, []any, []string:
		if !IsPublic(to) {
			if IsPublic(o["cc"]) {
				p.add(join(path, "to"), "lacks the Public collection (it is only in cc): Mobilizon makes the event unlisted")
			} else {
				p.add(join(path, "to"), "lacks the Public collection: Mobilizon makes the event unlisted")
			}
		}
	default:
		p.add(join(path, "to"), "must be a string or a list")
	}
	// Enums.
	checkEnum(p, path, o, "joinMode", "free", "restricted", "invite", "external")
	checkEnum(p, path, o, "repliesModerationOption", "allow_all", "moderated", "closed")
	if _, ok := o["status"]; ok {
		checkEnumFold(p, path, o, "status", "TENTATIVE", "CONFIRMED", "CANCELLED")
	} else if _, ok := o["ical:status"]; ok {
		checkEnumFold(p, path, o, "ical:status", "TENTATIVE", "CONFIRMED", "CANCELLED")
	}
	if v, ok := o["ical:status"]; ok && v != nil && o["status"] != nil && !strings.EqualFold(fmt.Sprint(v), fmt.Sprint(o["status"])) {
		p.add(join(path, "ical:status"), "differs from status")
	}
	if v, ok := o["uuid"]; ok && v != nil {
		if s, _ := v.(string); !ValidUUID(s) {
			p.add(join(path, "uuid"), "is not a UUID: Mobilizon rejects the event")
		}
	}
	if v, ok := o["maximumAttendeeCapacity"]; ok && v != nil {
		f, isFloat, isNum := number(v)
		if !isNum || f < 0 || f != float64(int64(f)) || (isFloat && !isFloatType(v)) {
			p.add(join(path, "maximumAttendeeCapacity"), "must be an integer ≥ 0")
		}
	}
	if c, ok := o["category"].(string); ok && !KnownCategory(c) {
		p.add(join(path, "category"), "%q is not a Mobilizon category: stored as MEETING", truncate(c, 64))
	} else if v, ok := o["category"]; ok && v != nil && !isString(v) {
		p.add(join(path, "category"), "must be a string")
	}
	if v, ok := o["draft"]; ok && v == true {
		p.add(join(path, "draft"), "is true: Mobilizon stores a draft nobody sees")
	}
	if v, ok := o["timezone"]; ok && v != nil {
		s, _ := v.(string)
		if _, err := time.LoadLocation(s); s == "" || err != nil {
			p.add(join(path, "timezone"), "is not an IANA time zone name: ignored")
		}
	}
	if v, ok := o["content"]; ok && v != nil && !isString(v) {
		p.add(join(path, "content"), "must be a string")
	}
	validateLocation(p, join(path, "location"), o)
	validateMedia(p, path, o)
	if v, ok := o["contacts"]; ok {
		if _, isList := v.([]any); !isList {
			p.add(join(path, "contacts"), "must be a list (null crashes Mobilizon's import)")
		}
	}
	if tags, ok := o["tag"].([]any); ok {
		for i, t := range tags {
			m, _ := t.(map[string]any)
			name, _ := m["name"].(string)
			if TypeOf(m) == "Hashtag" && utf8.RuneCountInString(strings.TrimPrefix(name, "#")) > MaxTagRunes {
				p.add(fmt.Sprintf("%s[%d]", join(path, "tag"), i), "hashtag %q has 40 characters or more: Mobilizon drops it", truncate(name, 60))
			}
		}
	} else if v, ok := o["tag"]; ok && v != nil {
		p.add(join(path, "tag"), "must be a list")
	}
}

func isString(v any) bool { _, ok := v.(string); return ok }

func isFloatType(v any) bool {
	switch v.(type) {
	case float64, Float:
		return true
	}
	return false
}

func checkEnum(p *problems, path string, o map[string]any, key string, allowed ...string) {
	v, ok := o[key]
	if !ok {
		return
	}
	s, isStr := v.(string)
	for _, a := range allowed {
		if isStr && s == a {
			return
		}
	}
	if v == nil {
		p.add(join(path, key), "is null: must be one of %s", strings.Join(allowed, ", "))
		return
	}
	p.add(join(path, key), "%v is not one of %s: Mobilizon rejects the event", truncateAny(v), strings.Join(allowed, ", "))
}

func checkEnumFold(p *problems, path string, o map[string]any, key string, allowed ...string) {
	v := o[key]
	if v == nil {
		p.add(join(path, key), "is null: Mobilizon's import crashes (lower-casing nil)")
		return
	}
	s, _ := v.(string)
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return
		}
	}
	p.add(join(path, key), "%v is not one of %s: Mobilizon rejects the event", truncateAny(v), strings.Join(allowed, ", "))
}

func truncateAny(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", truncate(s, 64))
	}
	return truncate(fmt.Sprint(v), 64)
}

func validateLocation(p *problems, path string, o map[string]any) {
	v, ok := o["location"]
	if !ok || v == nil {
		return
	}
	switch l := v.(type) {
	case string:
	case []any:
		p.add(path, "is a list: Mobilizon has no clause for several locations and drops the event; send one Place")
	case map[string]any:
		if t := TypeOf(l); t != "" && t != "Place" {
			p.add(join(path, "type"), "%q: Mobilizon reads a location as a Place", t)
		}
		switch a := l["address"].(type) {
		case nil, string:
		case map[string]any:
			for _, k := range []string{"streetAddress", "postalCode", "addressLocality", "addressRegion", "addressCountry"} {
				if x, ok := a[k]; ok && x != nil && !isString(x) {
					p.add(join(path, "address."+k), "must be a string or null")
				}
			}
		default:
			p.add(join(path, "address"), "must be a PostalAddress or a string")
		}
		lat, hasLat := l["latitude"]
		lon, hasLon := l["longitude"]
		if (hasLat && lat != nil) || (hasLon && lon != nil) {
			_, latF, latOK := number(lat)
			_, lonF, lonOK := number(lon)
			switch {
			case !latOK || !lonOK:
				p.add(path, "latitude and longitude must both be JSON numbers: Mobilizon drops the point")
			case !latF || !lonF:
				p.add(path, "latitude and longitude must be JSON floats (48.0, not 48): Mobilizon drops the point")
			}
		}
		if n, ok := l["name"]; ok && n != nil && !isString(n) {
			p.add(join(path, "name"), "must be a string")
		}
	default:
		p.add(path, "must be a Place or a string")
	}
}

// validateMedia checks attachment and image (reference §5.2, media.ex).
func validateMedia(p *problems, path string, o map[string]any) {
	banner := false
	if v, ok := o["attachment"]; ok {
		list, isList := v.([]any)
		switch {
		case v == nil:
			p.add(join(path, "attachment"), "is null: Mobilizon's import crashes; send [] or leave it out")
		case !isList:
			p.add(join(path, "attachment"), "must be a list (a single object crashes Mobilizon's import)")
		}
		for i, e := range list {
			ip := fmt.Sprintf("%s[%d]", join(path, "attachment"), i)
			m, ok := e.(map[string]any)
			if !ok {
				p.add(ip, "must be an object (a string crashes Mobilizon's import)")
				continue
			}
			switch TypeOf(m) {
			case "Document", "Image":
				checkMediaObject(p, ip, m)
				if m["name"] == "Banner" {
					banner = true
				}
			case "Link":
				if !isString(m["href"]) {
					p.add(ip, "a Link needs an href string")
				}
			}
		}
	}
	if v, ok := o["image"]; ok && !banner {
		switch x := v.(type) {
		case map[string]any:
			if t := TypeOf(x); t == "Document" || t == "Image" {
				checkMediaObject(p, join(path, "image"), x)
			}
		case nil:
			p.add(join(path, "image"), "is null: Mobilizon's import crashes when no attachment is named Banner; leave it out")
		default:
			p.add(join(path, "image"), "must be one Image object (a string or a list crashes Mobilizon's import)")
		}
	}
}

func checkMediaObject(p *problems, path string, m map[string]any) {
	if _, ok := m["name"]; !ok {
		if !isString(m["href"]) {
			p.add(path, "a Document/Image needs a name key (null is fine): Mobilizon's import crashes without it")
		}
	}
	if _, ok := m["url"].(string); !ok && !isString(m["href"]) {
		p.add(path, "url must be a string (not a list of Links): Mobilizon's import crashes")
	}
}

func validateActor(p *problems, path string, o map[string]any) {
	requireKeys(p, path, o, "id", "inbox", "preferredUsername")
	id, _ := o["id"].(string)
	if o["id"] != nil && !isURL(o["id"]) {
		p.add(join(path, "id"), "must be an absolute http(s) URL")
	}
	if u, ok := o["preferredUsername"].(string); ok && utf8.RuneCountInString(u) > 100 {
		p.add(join(path, "preferredUsername"), "is longer than 100 characters")
	}
	if s, ok := o["summary"].(string); ok && utf8.RuneCountInString(s) > 5000 {
		p.add(join(path, "summary"), "is longer than 5000 characters")
	}
	if v, ok := o["openness"]; ok && v != nil {
		checkEnum(p, path, o, "openness", "invite_only", "moderated", "open")
	}
	for _, k := range []string{"icon", "image"} {
		if v, ok := o[k]; ok && v != nil {
			switch v.(type) {
			case map[string]any, string:
			default:
				p.add(join(path, k), "must be one object or a URL (a list fails Mobilizon's actor import)")
			}
		}
	}
	if e, ok := o["endpoints"]; ok && e != nil {
		if m, ok := e.(map[string]any); ok {
			if s, ok := m["sharedInbox"]; ok && s != nil && !isURL(s) {
				p.add(join(path, "endpoints.sharedInbox"), "must be an http(s) URL")
			}
		} else {
			p.add(join(path, "endpoints"), "must be an object")
		}
	}
	pk, _ := o["publicKey"].(map[string]any)
	if pk == nil {
		p.add(join(path, "publicKey"), "is required")
		return
	}
	pemText, _ := pk["publicKeyPem"].(string)
	if pemText == "" {
		p.add(join(path, "publicKey.publicKeyPem"), "is required")
	} else if blk, _ := pem.Decode([]byte(pemText)); blk == nil {
		p.add(join(path, "publicKey.publicKeyPem"), "is not a PEM block: Mobilizon stores the actor, but no signature of it will verify")
	} else if _, err := x509.ParsePKCS1PublicKey(blk.Bytes); err != nil {
		if _, err := x509.ParsePKIXPublicKey(blk.Bytes); err != nil {
			p.add(join(path, "publicKey.publicKeyPem"), "is neither a PKCS#1 nor an SPKI public key: no signature of this actor will verify")
		}
	}
	if kid, _ := pk["id"].(string); id != "" && kid != "" && !strings.HasPrefix(kid, id+"#") && kid != id+"/publickey" {
		p.add(join(path, "publicKey.id"), "must be the actor id followed by #fragment (Mobilizon strips the fragment to find the actor)")
	}
	if owner, ok := pk["owner"].(string); ok && id != "" && owner != id {
		p.add(join(path, "publicKey.owner"), "is not the actor")
	}
}

// strictTime parses like Mobilizon (Ecto :utc_datetime): a full date-time;
// a date alone is refused; no offset is read as UTC, which is reported
// because Bastide always means a zone.
func strictTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, fmt.Errorf("%q has no offset: Mobilizon reads it as UTC", truncate(s, 64))
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date-time with an offset: Mobilizon rejects the event", truncate(s, 64))
}
