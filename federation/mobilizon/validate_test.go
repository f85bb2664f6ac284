package mobilizon

import (
	"encoding/json"
	"strings"
	"testing"
)

// One mutation per shape that Mobilizon (reference §5.3 and §12) rejects,
// drops or degrades; each must be reported, and only it.
func TestValidateRejectsEachBadShape(t *testing.T) {
	evs := sampleEvents()
	base := map[string]any{
		"@context": Context(), "type": "Create",
		"id":    "https://bastide.example/events/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/activity",
		"actor": "https://bastide.example/@amis-du-pruneau", "to": []any{Public},
		"object": EventObject(evs["market"].ev, assoc, evs["market"].place, hub),
	}
	if p := Validate(roundTrip(t, base)); len(p) != 0 {
		t.Fatalf("base document has problems: %q", p)
	}
	obj := func(m map[string]any) map[string]any { return m["object"].(map[string]any) }
	cases := []struct {
		name   string
		mutate func(m map[string]any)
		want   string
	}{
		{"no attributedTo", func(m map[string]any) { delete(obj(m), "attributedTo") }, "object.attributedTo: is missing"},
		{"attributedTo list", func(m map[string]any) {
			obj(m)["attributedTo"] = []any{"https://bastide.example/@a", "https://bastide.example/@b"}
		}, "object.attributedTo: is a list"},
		{"attributedTo foreign", func(m map[string]any) { obj(m)["attributedTo"] = "https://evil.example/@g" }, "object.attributedTo: is on evil.example"},
		{"actor foreign", func(m map[string]any) { obj(m)["actor"] = "https://evil.example/relay" }, "object.actor: is on evil.example"},
		{"no to", func(m map[string]any) { delete(obj(m), "to") }, "object.to: is missing"},
		{"public in cc only", func(m map[string]any) { obj(m)["to"] = []any{}; obj(m)["cc"] = []any{Public} }, "only in cc"},
		{"not public", func(m map[string]any) { obj(m)["to"] = []any{"https://bastide.example/@amis-du-pruneau/followers"} }, "unlisted"},
		{"location list", func(m map[string]any) { l := obj(m)["location"]; obj(m)["location"] = []any{l, l} }, "object.location: is a list"},
		{"integer coordinates", func(m map[string]any) { obj(m)["location"].(map[string]any)["latitude"] = json.Number("44") }, "JSON floats"},
		{"string coordinates", func(m map[string]any) { obj(m)["location"].(map[string]any)["longitude"] = "0.33" }, "JSON numbers"},
		{"attachment null", func(m map[string]any) { obj(m)["attachment"] = nil }, "object.attachment: is null"},
		{"attachment object", func(m map[string]any) {
			obj(m)["attachment"] = map[string]any{"type": "Link", "href": "https://x.example", "name": "Website"}
		}, "object.attachment: must be a list"},
		{"attachment string", func(m map[string]any) { obj(m)["attachment"] = []any{"https://x.example/a.png"} }, "object.attachment[0]: must be an object"},
		{"document without name", func(m map[string]any) {
			obj(m)["attachment"] = []any{map[string]any{"type": "Document", "mediaType": "image/png", "url": "https://x.example/a.png"}}
		}, "needs a name key"},
		{"document url list", func(m map[string]any) {
			obj(m)["attachment"] = []any{map[string]any{"type": "Image", "name": nil, "url": []any{map[string]any{"type": "Link", "href": "https://x.example/a.png"}}}}
		}, "url must be a string"},
		{"image string", func(m map[string]any) { obj(m)["image"] = "https://x.example/a.png" }, "object.image: must be one Image object"},
		{"image list", func(m map[string]any) { obj(m)["image"] = []any{map[string]any{"type": "Image"}} }, "object.image: must be one Image object"},
		{"image null", func(m map[string]any) { obj(m)["image"] = nil }, "object.image: is null"},
		{"contacts null", func(m map[string]any) { obj(m)["contacts"] = nil }, "object.contacts: must be a list"},
		{"status null", func(m map[string]any) { obj(m)["status"] = nil }, "object.status: is null"},
		{"status unknown", func(m map[string]any) { obj(m)["status"] = "POSTPONED"; obj(m)["ical:status"] = "POSTPONED" }, "object.status: \"POSTPONED\" is not one of"},
		{"joinMode unknown", func(m map[string]any) { obj(m)["joinMode"] = "open" }, "object.joinMode: \"open\" is not one of"},
		{"replies unknown", func(m map[string]any) { obj(m)["repliesModerationOption"] = "everyone" }, "object.repliesModerationOption"},
		{"category unknown", func(m map[string]any) { obj(m)["category"] = "CONCERT" }, "stored as MEETING"},
		{"date-only start", func(m map[string]any) { obj(m)["startTime"] = "2026-06-13" }, "object.startTime: \"2026-06-13\" is not an ISO 8601 date-time"},
		{"start without offset", func(m map[string]any) { obj(m)["startTime"] = "2026-06-13T08:00:00" }, "has no offset"},
		{"no start", func(m map[string]any) { delete(obj(m), "startTime") }, "object.startTime: is required"},
		{"end before start", func(m map[string]any) { obj(m)["endTime"] = "2026-06-13T07:00:00+02:00" }, "object.endTime: is before startTime"},
		{"short name", func(m map[string]any) { obj(m)["name"] = "AG" }, "object.name: has 2 characters"},
		{"long name", func(m map[string]any) { obj(m)["name"] = strings.Repeat("é", 201) }, "object.name: has 201 characters"},
		{"no name", func(m map[string]any) { delete(obj(m), "name") }, "object.name: is required"},
		{"bad uuid", func(m map[string]any) { obj(m)["uuid"] = "not-a-uuid" }, "object.uuid: is not a UUID"},
		{"negative capacity", func(m map[string]any) { obj(m)["maximumAttendeeCapacity"] = json.Number("-1") }, "maximumAttendeeCapacity"},
		{"type list", func(m map[string]any) { obj(m)["type"] = []any{"Event"} }, "object.type: must be a single string"},
		{"long hashtag", func(m map[string]any) {
			obj(m)["tag"] = []any{map[string]any{"type": "Hashtag", "name": "#" + strings.Repeat("a", 40)}}
		}, "40 characters or more"},
		{"draft", func(m map[string]any) { obj(m)["draft"] = true }, "object.draft: is true"},
		{"bad timezone", func(m map[string]any) { obj(m)["timezone"] = "Paris" }, "object.timezone"},
		{"object by URL", func(m map[string]any) { m["object"] = obj(m)["id"] }, "object: is a URL: Mobilizon handles Create only with the object embedded"},
		{"event off the actor's origin", func(m map[string]any) { m["actor"] = "https://other.example/@x" }, "object.id: is not on the origin of the Create's actor"},
		{"no activity actor", func(m map[string]any) { delete(m, "actor") }, "actor: is required"},
		{"no activity id", func(m map[string]any) { delete(m, "id") }, "id: is required"},
		{"announce of a Create", func(m map[string]any) {
			inner := map[string]any{}
			for k, v := range m {
				inner[k] = v
			}
			for k := range m {
				delete(m, k)
			}
			m["type"], m["id"], m["actor"], m["object"] = "Announce", "https://bastide.example/a/1", "https://bastide.example/relay", inner
		}, "object: is a Create"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := clone(t, base)
			c.mutate(m)
			p := Validate(m)
			if len(p) == 0 {
				t.Fatalf("no problem reported, want %q", c.want)
			}
			found := false
			for _, s := range p {
				found = found || strings.Contains(s, c.want)
			}
			if !found {
				t.Errorf("problems %q do not mention %q", p, c.want)
			}
		})
	}
}

func TestValidateActivitiesAndActors(t *testing.T) {
	group := roundTrip(t, GroupActor(assoc, hub, testPEM))
	cases := []struct {
		name string
		doc  map[string]any
		want string // "" = valid
	}{
		{"follow", map[string]any{"type": "Follow", "id": "https://h.example/follow/1", "actor": "https://h.example/@a", "object": "https://m.example/@g"}, ""},
		{"follow embedded", map[string]any{"type": "Follow", "id": "https://h.example/follow/1", "actor": "https://h.example/@a", "object": map[string]any{"id": "https://m.example/@g"}}, "must be the followed actor's URL as a string"},
		{"undo by URL", map[string]any{"type": "Undo", "id": "https://h.example/u/1", "actor": "https://h.example/@a", "object": "https://h.example/follow/1"}, "must be embedded"},
		{"accept without id", map[string]any{"type": "Accept", "actor": "https://h.example/@a", "object": "https://m.example/follow/1"}, "id: is required"},
		{"delete without actor", map[string]any{"type": "Delete", "id": "https://h.example/e/1/delete", "object": "https://h.example/e/1"}, "actor: is required"},
		{"unknown type", map[string]any{"type": "Like", "id": "https://h.example/l/1"}, "not handled by Mobilizon"},
		{"group openness", func() map[string]any { g := clone(t, group); g["openness"] = "closed"; return g }(), "openness: \"closed\" is not one of"},
		{"group icon list", func() map[string]any {
			g := clone(t, group)
			g["icon"] = []any{map[string]any{"url": "https://x/a.png"}}
			return g
		}(), "icon: must be one object"},
		{"group key id elsewhere", func() map[string]any {
			g := clone(t, group)
			g["publicKey"].(map[string]any)["id"] = "https://bastide.example/keys/1"
			return g
		}(), "publicKey.id: must be the actor id followed by #fragment"},
		{"group without key", func() map[string]any { g := clone(t, group); delete(g, "publicKey"); return g }(), "publicKey: is required"},
		{"group bad PEM", func() map[string]any {
			g := clone(t, group)
			g["publicKey"].(map[string]any)["publicKeyPem"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
			return g
		}(), "neither a PKCS#1 nor an SPKI"},
		{"group no inbox", func() map[string]any { g := clone(t, group); delete(g, "inbox"); return g }(), "inbox: is required"},
		{"group long username", func() map[string]any {
			g := clone(t, group)
			g["preferredUsername"] = strings.Repeat("a", 101)
			return g
		}(), "longer than 100"},
	}
	for _, c := range cases {
		p := Validate(c.doc)
		switch {
		case c.want == "" && len(p) != 0:
			t.Errorf("%s: unexpected problems %q", c.name, p)
		case c.want != "" && !strings.Contains(strings.Join(p, "\n"), c.want):
			t.Errorf("%s: problems %q do not mention %q", c.name, p, c.want)
		}
	}
}
