package mobilizon

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/bastide47/bastide/db/model"
)

// Input bounds for remote events (on top of model's).
const (
	MaxIDBytes       = 2048
	MaxTagBytes      = 100
	MaxLocationBytes = 1000
)

// RemoteEvent is an Event object read from another server.
type RemoteEvent struct {
	// ID is the ActivityPub id (absolute http or https URL).
	ID string
	// URL is the human page (`url`), or ID when there is none.
	URL string
	// AttributedTo is the Group (or the organiser when there is no group);
	// Actor is the organiser (the object's non-standard `actor` key), ""
	// when absent. For a wrapped activity without an object actor, Actor is
	// the activity's actor.
	AttributedTo, Actor string
	// Event holds the indexed fields: Component VEVENT, UID = ID, APID =
	// ID, Origin remote, Summary, Description (plain text rendered from
	// the cleaned HTML), Location (one line), Start/End in UTC, TZID (the
	// IANA `timezone`, if valid), AllDay (a date-only startTime), Status,
	// Class (PUBLIC, or CONFIDENTIAL when Public is not in `to`),
	// Categories (the French label of a Mobilizon category other than
	// MEETING, then the hashtags), URL, geo and commune. Not set: ID,
	// CalendarID, UUID, Href, ETag, Data, Moderation, Instances. UUID is
	// left to the store: a remote uuid could collide with a local one.
	Event model.Event
	// Place is the first physical place, nil when there is none.
	Place *model.Place
	// PictureURL is the banner: the Document/Image attachment named
	// "Banner", else `image`, else the first image attachment.
	PictureURL string
	Published  time.Time
	Updated    time.Time

	// RemoteUUID is the sender's `uuid`, when it is a valid UUID.
	RemoteUUID string
	// ContentHTML is `content` cleaned with SanitizeHTML.
	ContentHTML string
	// Public is true when `to` holds the public collection (Mobilizon reads
	// visibility from `to` only). Non-public events must not be shown on
	// the common agenda.
	Public bool
	Draft  bool
	// Online and OnlineURL: isOnline, a "Website" Link attachment, or a
	// VirtualLocation / URL location.
	Online    bool
	OnlineURL string
	// JoinMode is free, restricted, invite or external ("" if absent).
	JoinMode                 string
	ExternalParticipationURL string
	// Category is the Mobilizon category id, "" when absent or unknown.
	Category string
	// Tags are the hashtag names without '#'.
	Tags []string
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ValidUUID reports whether s is a UUID in its canonical text form.
func ValidUUID(s string) bool { return uuidRe.MatchString(s) }

func fail(field, msg string) error { return &model.ValidationError{Field: field, Msg: msg} }

// unwrap returns the Event inside Create/Update/Announce (an embedded
// object only), and the activity's actor.
func unwrap(obj map[string]any) (map[string]any, string) {
	for depth := 0; depth < 3; depth++ {
		switch TypeOf(obj) {
		case "Create", "Update", "Announce":
			inner, ok := obj["object"].(map[string]any)
			if !ok {
				return obj, ""
			}
			act := IDOf(obj["actor"])
			if TypeOf(inner) == "Event" {
				return inner, act
			}
			obj = inner
		default:
			return obj, ""
		}
	}
	return obj, ""
}

// ParseEvent reads an Event object (or a Create, Update or Announce that
// embeds one) as Mobilizon means it. It accepts what Mobilizon, Gancio and
// the WordPress Event Bridge send: times with an offset or Z (a time
// without offset is read in `timezone` when that is given, else in UTC; a
// date-only startTime makes an all-day event), `location` as a Place with
// a PostalAddress or a string address, as a plain string, or as a list (the
// first physical Place is kept, a VirtualLocation gives the online URL),
// integer, float or string coordinates. HTML is cleaned with SanitizeHTML
// and every text is bounded. It fails, with a *model.ValidationError, on a
// missing or non-http(s) id, a type other than Event, a missing name or
// startTime, an unparsable time or an end before the start.
func ParseEvent(obj map[string]any) (*RemoteEvent, error) {
	if obj == nil {
		return nil, fail("object", "is empty")
	}
	obj, activityActor := unwrap(obj)
	if t := TypeOf(obj); t != "Event" {
		if t == "" {
			return nil, fail("type", "is missing")
		}
		return nil, fail("type", strconv.Quote(truncate(t, 64))+" is not an Event")
	}
	id, _ := obj["id"].(string)
	if id == "" {
		return nil, fail("id", "is required")
	}
	if len(id) > MaxIDBytes || Origin(id) == "" {
		return nil, fail("id", "must be an absolute http or https URL of at most 2048 bytes")
	}
	r := &RemoteEvent{ID: id}
	r.AttributedTo = actorURL(firstID(obj["attributedTo"]))
	r.Actor = actorURL(IDOf(obj["actor"]))
	if r.Actor == "" {
		r.Actor = actorURL(activityActor)
	}
	name := cleanLine(langString(obj, "name"))
	if name == "" {
		return nil, fail("name", "is required")
	}
	tz, _ := obj["timezone"].(string)
	zone := time.UTC
	if tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			zone = loc
		} else {
			tz = ""
		}
	}
	startS, _ := obj["startTime"].(string)
	if startS == "" {
		return nil, fail("startTime", "is required")
	}
	start, allDay, err := parseTime(startS, zone)
	if err != nil {
		return nil, fail("startTime", err.Error())
	}
	var end time.Time
	if endS, _ := obj["endTime"].(string); endS != "" {
		var endAllDay bool
		end, endAllDay, err = parseTime(endS, zone)
		if err != nil {
			return nil, fail("endTime", err.Error())
		}
		if allDay && endAllDay {
			end = end.AddDate(0, 0, 1) // iCalendar's exclusive DTEND
		}
		if end.Before(start) {
			return nil, fail("endTime", "is before startTime")
		}
	} else if allDay {
		end = start.AddDate(0, 0, 1)
	}

	ev := &r.Event
	ev.Component = "VEVENT"
	ev.UID = id
	ev.APID = id
	ev.Origin = model.OriginRemote
	ev.Summary = truncateRunes(name, MaxNameRunes)
	ev.Start, ev.End, ev.AllDay = start.UTC(), end, allDay
	if !end.IsZero() {
		ev.End = end.UTC()
	}
	if !allDay {
		ev.TZID = tz
	}

	content := langString(obj, "content")
	if mt, _ := obj["mediaType"].(string); mt == "text/plain" || mt == "text/markdown" {
		content = TextToHTML(truncate(content, MaxContentBytes))
	}
	r.ContentHTML = SanitizeHTML(truncate(content, MaxContentBytes))
	ev.Description = truncate(HTMLToText(r.ContentHTML), model.MaxTextLen*5)

	status := strings.ToUpper(strOr(obj["status"], strOr(obj["ical:status"], "")))
	switch status {
	case model.StatusTentative, model.StatusCancelled, model.StatusConfirmed:
	default:
		status = model.StatusConfirmed
	}
	ev.Status = status

	r.Public = IsPublic(obj["to"])
	ev.Class = "PUBLIC"
	if !r.Public {
		ev.Class = "CONFIDENTIAL"
	}
	r.Draft = obj["draft"] == true
	if s, _ := obj["uuid"].(string); ValidUUID(s) {
		r.RemoteUUID = strings.ToLower(s)
	}
	r.URL = httpURL(obj["url"])
	if r.URL == "" {
		r.URL = id
	}
	ev.URL = r.URL
	if jm, _ := obj["joinMode"].(string); validJoinMode(jm) {
		r.JoinMode = jm
	}
	r.ExternalParticipationURL = httpURL(obj["externalParticipationUrl"])

	// Category and tags.
	if c, _ := obj["category"].(string); KnownCategory(c) {
		r.Category = c
		if c != DefaultCategory {
			ev.Categories = append(ev.Categories, CategoryLabels[c])
		}
	}
	r.Tags = tagNames(obj["tag"])
	for _, t := range r.Tags {
		if len(ev.Categories) >= model.MaxCategories {
			break
		}
		if !containsFold(ev.Categories, t) {
			ev.Categories = append(ev.Categories, t)
		}
	}

	// Places and online address.
	r.Online = obj["isOnline"] == true
	place, online := parseLocation(obj["location"], 0)
	if online != "" {
		r.Online, r.OnlineURL = true, online
	}
	if link := websiteLink(obj["attachment"]); link != "" {
		r.Online, r.OnlineURL = true, link
	}
	for key, v := range metadata(obj["attachment"]) {
		switch {
		case key == "mz:ticket:external_url" && r.ExternalParticipationURL == "":
			r.ExternalParticipationURL = v
		case (strings.HasPrefix(key, "mz:visio:") || strings.HasPrefix(key, "mz:live:")) && r.OnlineURL == "":
			r.Online, r.OnlineURL = true, v
		}
	}
	if place != nil && r.OnlineURL != "" && place.Street == "" && place.Locality == "" && place.PostalCode == "" && !place.HasGeo &&
		!hasID(obj["location"]) {
		// Only a name, on a Place of no id of its own, beside an online
		// address ("En ligne", the Place Bastide sends so that Mobilizon
		// keeps the time zone): the address is the online one. A named
		// place with an id (Gancio's) is a real place.
		place = nil
	}
	if place != nil {
		r.Place = place
		ev.Location = truncate(placeLine(place), MaxLocationBytes)
		ev.CommuneINSEE = place.CommuneINSEE
		ev.Lat, ev.Lon, ev.HasGeo = place.Lat, place.Lon, place.HasGeo
	} else if r.OnlineURL != "" {
		ev.Location = truncate(r.OnlineURL, MaxLocationBytes)
	}
	r.PictureURL = pictureURL(obj)

	if t, ok := parseStamp(obj["published"]); ok {
		r.Published = t
	}
	if t, ok := parseStamp(obj["updated"]); ok {
		r.Updated = t
	}
	ev.Created = r.Published
	ev.Updated = firstTime(r.Updated, r.Published)
	return r, nil
}

// CategoryLabels are the French labels of Mobilizon's categories.
var CategoryLabels = map[string]string{
	"ARTS": "Arts", "BOOK_CLUBS": "Clubs de lecture", "BUSINESS": "Entreprises",
	"CAUSES": "Causes", "COMEDY": "Humour", "CRAFTS": "Artisanat",
	"FOOD_DRINK": "Gastronomie", "HEALTH": "Santé", "MUSIC": "Musique",
	"AUTO_BOAT_AIR": "Auto, bateau, avion", "COMMUNITY": "Communauté",
	"FAMILY_EDUCATION": "Famille et éducation", "FASHION_BEAUTY": "Mode et beauté",
	"FILM_MEDIA": "Cinéma et médias", "GAMES": "Jeux", "LANGUAGE_CULTURE": "Langues et culture",
	"LEARNING": "Apprentissage", "LGBTQ": "LGBTQ", "MOVEMENTS_POLITICS": "Mouvements et politique",
	"NETWORKING": "Réseautage", "PARTY": "Fête", "PERFORMING_VISUAL_ARTS": "Spectacle vivant et arts visuels",
	"PETS": "Animaux", "PHOTOGRAPHY": "Photographie", "OUTDOORS_ADVENTURE": "Plein air",
	"SPIRITUALITY_RELIGION_BELIEFS": "Spiritualité", "SCIENCE_TECH": "Sciences et techniques",
	"SPORTS": "Sports", "THEATRE": "Théâtre", "MEETING": "Réunion",
}

func validJoinMode(s string) bool {
	return s == "free" || s == "restricted" || s == "invite" || s == "external"
}

func strOr(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

// langString reads key, or the French (else any) value of keyMap.
func langString(obj map[string]any, key string) string {
	if s, ok := obj[key].(string); ok && s != "" {
		return s
	}
	m, ok := obj[key+"Map"].(map[string]any)
	if !ok {
		return ""
	}
	for _, lang := range []string{"fr", "und", "en"} {
		if s, ok := m[lang].(string); ok && s != "" {
			return s
		}
	}
	best := ""
	for k, v := range m { // deterministic: smallest language tag
		if s, ok := v.(string); ok && s != "" && (best == "" || k < best) {
			best = k
		}
	}
	if best != "" {
		return m[best].(string)
	}
	return ""
}

// cleanLine makes one line of plain text: no tags, no control characters,
// single spaces.
func cleanLine(s string) string {
	s = truncate(s, 4*MaxNameRunes*4)
	if strings.ContainsAny(s, "<&") {
		s = HTMLToText(SanitizeHTML(s))
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// actorURL keeps an actor reference only when it is an http(s) URL of a
// bounded length.
func actorURL(s string) string {
	if len(s) > MaxIDBytes || Origin(s) == "" {
		return ""
	}
	return s
}

func firstID(v any) string {
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s := IDOf(x); s != "" {
				return s
			}
		}
		return ""
	}
	return IDOf(v)
}

// httpURL reads a URL given as a string, a Link ({href} or {url}) or a
// list of those, preferring text/html links; only http(s) URLs are kept.
func httpURL(v any) string {
	ok := func(s string) bool {
		return len(s) <= MaxIDBytes && (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && Origin(s) != ""
	}
	switch x := v.(type) {
	case string:
		if ok(x) {
			return x
		}
	case map[string]any:
		for _, k := range []string{"href", "url"} {
			if s, _ := x[k].(string); ok(s) {
				return s
			}
		}
	case []any:
		first := ""
		for _, e := range x {
			s := httpURL(e)
			if s == "" {
				continue
			}
			if m, _ := e.(map[string]any); m != nil && m["mediaType"] == "text/html" {
				return s
			}
			if first == "" {
				first = s
			}
		}
		return first
	}
	return ""
}

var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
}

// parseTime reads an ISO-8601 date-time. Without an offset it is read in
// zone. A bare date gives midnight in zone and allDay.
func parseTime(s string, zone *time.Location) (t time.Time, allDay bool, err error) {
	s = strings.TrimSpace(s)
	if len(s) > 64 {
		return t, false, errBadTime(s)
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, false, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999Z0700", s); err == nil {
		return t, false, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t, false, nil
		}
	}
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return d, true, nil // all-day: the wall-clock date, read as UTC as model wants
	}
	return t, false, errBadTime(s)
}

type timeError string

func (e timeError) Error() string { return string(e) }

func errBadTime(s string) error {
	return timeError(strconv.Quote(truncate(s, 64)) + " is not an ISO 8601 date-time")
}

func parseStamp(v any) (time.Time, bool) {
	s, _ := v.(string)
	if s == "" {
		return time.Time{}, false
	}
	t, _, err := parseTime(s, time.UTC)
	return t.UTC(), err == nil
}

func tagNames(v any) []string {
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any, string:
		list = []any{x}
	}
	var out []string
	for _, e := range list {
		var name string
		switch t := e.(type) {
		case string:
			name = t
		case map[string]any:
			if typ := TypeOf(t); typ != "Hashtag" && typ != "" {
				continue
			}
			name, _ = t["name"].(string)
		}
		name = cleanLine(strings.TrimPrefix(strings.TrimSpace(name), "#"))
		if name == "" || len(name) > MaxTagBytes || containsFold(out, name) {
			continue
		}
		out = append(out, name)
		if len(out) >= model.MaxCategories {
			break
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// parseLocation reads `location`: a string, a Place, or a list of them.
// It returns the first physical place and the first online URL.
func parseLocation(v any, depth int) (*model.Place, string) {
	switch x := v.(type) {
	case string:
		s := cleanLine(x)
		if s == "" {
			return nil, ""
		}
		if u := httpURL(s); u != "" {
			return nil, u
		}
		return finishPlace(&model.Place{Name: truncate(s, MaxLocationBytes)}), ""
	case []any:
		if depth > 0 {
			return nil, ""
		}
		var place *model.Place
		online := ""
		for i, e := range x {
			if i >= 20 {
				break
			}
			p, u := parseLocation(e, depth+1)
			if place == nil && p != nil {
				place = p
			}
			if online == "" {
				online = u
			}
		}
		return place, online
	case map[string]any:
		typ := TypeOf(x)
		if typ == "VirtualLocation" {
			return nil, httpURL(x["url"])
		}
		if typ != "" && typ != "Place" {
			return nil, ""
		}
		p := &model.Place{Name: truncate(cleanLine(strOr(x["name"], "")), MaxLocationBytes)}
		online := ""
		switch a := x["address"].(type) {
		case string:
			p.Street = truncate(cleanLine(a), MaxLocationBytes)
		case map[string]any:
			if TypeOf(a) == "VirtualLocation" {
				online = httpURL(a["url"])
				break
			}
			p.Street = truncate(cleanLine(strOr(a["streetAddress"], "")), MaxLocationBytes)
			p.PostalCode = truncate(cleanLine(strOr(a["postalCode"], "")), 32)
			p.Locality = truncate(cleanLine(strOr(a["addressLocality"], "")), 200)
			country := cleanLine(strOr(a["addressCountry"], ""))
			if country != "" && !strings.EqualFold(country, "France") && !strings.EqualFold(country, "FR") {
				p.CommuneINSEE = "-" // marker: abroad, never a commune of the 47
			}
		}
		lat, latOK := coordinate(x["latitude"])
		lon, lonOK := coordinate(x["longitude"])
		if latOK && lonOK && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && !(lat == 0 && lon == 0) {
			p.Lat, p.Lon, p.HasGeo = lat, lon, true
		}
		if p.Name == "" && p.Street == "" && p.Locality == "" && p.PostalCode == "" && !p.HasGeo {
			return nil, online // nothing physical: at most a virtual address
		}
		if online != "" && p.Street == "" && p.Locality == "" && !p.HasGeo {
			return nil, online // a named virtual place
		}
		return finishPlace(p), online
	}
	return nil, ""
}

func coordinate(v any) (float64, bool) {
	if s, ok := v.(string); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return f, err == nil
	}
	f, _, ok := number(v)
	return f, ok
}

// finishPlace fills the commune of the Lot-et-Garonne when the place is
// in it: by locality name (checked against the postal code when there is
// one), else by a commune name found in the place's text.
func finishPlace(p *model.Place) *model.Place {
	abroad := p.CommuneINSEE == "-"
	p.CommuneINSEE = ""
	if abroad {
		return p
	}
	if p.PostalCode != "" && !strings.HasPrefix(p.PostalCode, "47") {
		return p
	}
	var c *model.Commune
	var ok bool
	if p.Locality != "" {
		c, ok = model.CommuneByName(p.Locality)
	}
	if !ok && p.PostalCode == "" && p.Locality == "" {
		c, ok = model.FindCommuneIn(p.Name + " " + p.Street)
	}
	if !ok {
		return p
	}
	if p.PostalCode != "" {
		match := false
		for _, pc := range c.Postcodes {
			match = match || pc == p.PostalCode
		}
		if !match {
			return p
		}
	}
	p.CommuneINSEE = c.INSEE
	if p.Locality == "" {
		p.Locality = c.Name
	}
	return p
}

// placeLine writes a place on one line: name, street, postal code and
// locality, without repeating the name.
func placeLine(p *model.Place) string {
	var parts []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		for _, x := range parts {
			if strings.Contains(strings.ToLower(x), strings.ToLower(s)) {
				return
			}
		}
		parts = append(parts, s)
	}
	add(p.Name)
	add(p.Street)
	add(strings.TrimSpace(p.PostalCode + " " + p.Locality))
	return strings.Join(parts, ", ")
}

// websiteLink is Mobilizon's online address: a Link attachment named
// "Website" with mediaType text/html.
func websiteLink(v any) string {
	list, _ := v.([]any)
	for _, e := range list {
		m, ok := e.(map[string]any)
		if ok && TypeOf(m) == "Link" && m["name"] == "Website" && m["mediaType"] == "text/html" {
			return httpURL(m["href"])
		}
	}
	return ""
}

// metadata reads Mobilizon's PropertyValue attachments whose value is an
// http(s) URL, by propertyID.
func metadata(v any) map[string]string {
	list, _ := v.([]any)
	out := map[string]string{}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok || TypeOf(m) != "PropertyValue" {
			continue
		}
		key, _ := m["propertyID"].(string)
		if u := httpURL(m["value"]); key != "" && u != "" && len(out) < 32 {
			if _, dup := out[key]; !dup {
				out[key] = u
			}
		}
	}
	return out
}

func isMedia(m map[string]any) bool {
	t := TypeOf(m)
	return t == "Document" || t == "Image"
}

func pictureURL(obj map[string]any) string {
	list, _ := obj["attachment"].([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && isMedia(m) && m["name"] == "Banner" {
			if u := httpURL(m["url"]); u != "" {
				return u
			}
		}
	}
	if m, ok := obj["image"].(map[string]any); ok && isMedia(m) {
		if u := httpURL(m["url"]); u != "" {
			return u
		}
	}
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && isMedia(m) {
			mt, _ := m["mediaType"].(string)
			if mt == "" || strings.HasPrefix(mt, "image/") {
				if u := httpURL(m["url"]); u != "" {
					return u
				}
			}
		}
	}
	return ""
}

// hostOf returns the lower-case host[:port] of a URL, for messages.
func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Host)
}

// hasID tells whether a location (one object, or a list of them) carries
// an id of its own.
func hasID(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return IDOf(x) != ""
	case []any:
		for _, e := range x {
			if hasID(e) {
				return true
			}
		}
	}
	return false
}
