package mobilizon

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/bastide47/bastide/db/model"
)

// Public is the ActivityStreams public collection. Mobilizon also reads
// "as:Public" and "Public" as the same address.
const Public = "https://www.w3.org/ns/activitystreams#Public"

// URIs builds the absolute ActivityPub IRIs of this instance. Package
// federation implements it (federation/uris.go); only it builds IRIs.
type URIs interface {
	// ActorID is the Group actor of an association, e.g. https://h/@slug.
	ActorID(slug string) string
	// EventID is the ActivityPub id of an event, e.g. https://h/events/uuid.
	EventID(uuid string) string
	// EventURL is the human page of an event (may equal EventID).
	EventURL(uuid string) string
	// RelayID is the instance actor (Application), e.g. https://h/relay.
	RelayID() string
	// FollowersID is an association's followers collection.
	FollowersID(slug string) string
}

// Context returns the JSON-LD @context Mobilizon 5 puts on every document
// it serves or sends (activities, actors, events, collections). Embedded
// objects carry none. Mobilizon does no JSON-LD processing: it reads the
// compact key names, so Bastide sends exactly these terms.
func Context() []any {
	typed := func(id, typ string) map[string]any { return map[string]any{"@id": id, "@type": typ} }
	return []any{
		"https://www.w3.org/ns/activitystreams",
		"https://w3id.org/security/v1",
		map[string]any{
			"@language":                     "und",
			"sc":                            "http://schema.org#",
			"ical":                          "http://www.w3.org/2002/12/cal/ical#",
			"pt":                            "https://joinpeertube.org/ns#",
			"toot":                          "http://joinmastodon.org/ns#",
			"mz":                            "https://joinmobilizon.org/ns#",
			"discoverable":                  "toot:discoverable",
			"manuallyApprovesFollowers":     "as:manuallyApprovesFollowers",
			"Hashtag":                       "as:Hashtag",
			"category":                      "sc:category",
			"uuid":                          "sc:identifier",
			"maximumAttendeeCapacity":       "sc:maximumAttendeeCapacity",
			"remainingAttendeeCapacity":     "sc:remainingAttendeeCapacity",
			"location":                      typed("sc:location", "sc:Place"),
			"PostalAddress":                 "sc:PostalAddress",
			"address":                       typed("sc:address", "sc:PostalAddress"),
			"addressCountry":                "sc:addressCountry",
			"addressRegion":                 "sc:addressRegion",
			"postalCode":                    "sc:postalCode",
			"addressLocality":               "sc:addressLocality",
			"streetAddress":                 "sc:streetAddress",
			"repliesModerationOptionType":   typed("mz:repliesModerationOptionType", "rdfs:Class"),
			"repliesModerationOption":       typed("mz:repliesModerationOption", "mz:repliesModerationOptionType"),
			"commentsEnabled":               typed("pt:commentsEnabled", "sc:Boolean"),
			"joinModeType":                  typed("mz:joinModeType", "rdfs:Class"),
			"joinMode":                      typed("mz:joinMode", "mz:joinModeType"),
			"anonymousParticipationEnabled": typed("mz:anonymousParticipationEnabled", "sc:Boolean"),
			"participationMessage":          typed("mz:participationMessage", "sc:Text"),
			"participantCount":              typed("mz:participantCount", "sc:Integer"),
			"memberCount":                   typed("mz:memberCount", "sc:Integer"),
			"isOnline":                      typed("mz:isOnline", "sc:Boolean"),
			"externalParticipationUrl":      typed("mz:externalParticipationUrl", "sc:URL"),
			"PropertyValue":                 "sc:PropertyValue",
			"value":                         "sc:value",
			"propertyID":                    "sc:propertyID",
			"inLanguage":                    "sc:inLanguage",
			"timezone":                      typed("mz:timezone", "sc:Text"),
			"discussions":                   typed("mz:discussions", "@id"),
			"events":                        typed("mz:events", "@id"),
			"members":                       typed("mz:members", "@id"),
			"openness":                      typed("mz:openness", "@id"),
			"posts":                         typed("mz:posts", "@id"),
			"resources":                     typed("mz:resources", "@id"),
			"todos":                         typed("mz:todos", "@id"),
			"status":                        typed("ical:status", "ical:status"),
		},
	}
}

// Float is a JSON number that always carries a fraction or an exponent.
// Mobilizon keeps a Place's coordinates only when both are JSON floats:
// 48 is an integer to its decoder and the point is dropped, 48.0 is kept.
type Float float64

// MarshalJSON writes f with a decimal point. NaN and infinities, which
// JSON cannot carry, are an error.
func (f Float) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return nil, errors.New("mobilizon: a coordinate is not a finite number")
	}
	s := strconv.FormatFloat(float64(f), 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return []byte(s), nil
}

// Decode parses a JSON document keeping numbers as json.Number, so that
// Validate can tell 48 (an integer, dropped by Mobilizon as a coordinate)
// from 48.0. Every function of this package accepts documents decoded
// either way (float64 or json.Number).
func Decode(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, &json.SyntaxError{Offset: dec.InputOffset()}
	}
	return m, nil
}

// IDOf returns the id of an ActivityStreams reference: the string itself,
// or the "id" of an embedded object, spelled as model.NormalizeIRI spells
// it, so that ids read from documents compare and store as one. It
// returns "" otherwise.
func IDOf(v any) string {
	switch x := v.(type) {
	case string:
		return model.NormalizeIRI(x)
	case map[string]any:
		s, _ := x["id"].(string)
		return model.NormalizeIRI(s)
	}
	return ""
}

// TypeOf returns the first type of an object ("type" as a string or a list
// of strings), or "" for a non-object.
func TypeOf(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				return s
			}
		}
	}
	return ""
}

// IsPublic reports whether an addressing value (a string or a list) holds
// the public collection, in any of the three spellings Mobilizon reads.
func IsPublic(v any) bool {
	for _, s := range stringList(v) {
		if s == Public || s == "as:Public" || s == "Public" {
			return true
		}
	}
	return false
}

// Origin returns scheme://host[:port] of an absolute http(s) URL,
// normalised as model.NormalizeIRI does (lower case, no trailing dot, no
// default port), or "" when u is not one.
func Origin(u string) string { return model.IRIOrigin(u) }

// SameOrigin reports whether two absolute URLs share scheme, host and port.
func SameOrigin(a, b string) bool {
	oa := Origin(a)
	return oa != "" && oa == Origin(b)
}

// stringList reads a string or a list of strings (or of objects with ids).
func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s := IDOf(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return x
	}
	return nil
}

// number reads a JSON number decoded as float64, json.Number, Float or an
// int; ok is false for anything else. isFloat tells whether the JSON text
// was a float (always true for float64 values, whose text is unknown).
func number(v any) (f float64, isFloat, ok bool) {
	switch x := v.(type) {
	case float64:
		return x, true, true
	case Float:
		return float64(x), true, true
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, false, false
		}
		return f, strings.ContainsAny(string(x), ".eE"), true
	case int:
		return float64(x), false, true
	case int64:
		return float64(x), false, true
	}
	return 0, false, false
}
