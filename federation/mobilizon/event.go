package mobilizon

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris and every TZID, without relying on the host
	"unicode"
	"unicode/utf8"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// DefaultTimezone is the zone of the Lot-et-Garonne, used for floating and
// all-day events and whenever an event's TZID is not an IANA name.
const DefaultTimezone = "Europe/Paris"

// Bounds of Mobilizon's changeset.
const (
	MinNameRunes = 3
	MaxNameRunes = 200
	// MaxTagRunes: Mobilizon drops tags of 40 characters or more.
	MaxTagRunes = 39
)

// eventLocation returns the zone an event is shown in.
func eventLocation(tzid string) *time.Location {
	if tzid != "" {
		if loc, err := time.LoadLocation(tzid); err == nil && loc.String() != "Local" && tzid != "UTC" && !strings.HasPrefix(tzid, "Etc/") {
			return loc
		}
	}
	loc, err := time.LoadLocation(DefaultTimezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// EventTimes returns the start and end Bastide announces for ev, in the
// event's zone: timed events as they are; floating ones read in
// Europe/Paris; all-day ones from 00:00 on the first day to 23:59 on the
// last (Mobilizon has no all-day events; iCalendar's DTEND is exclusive).
// end is zero when the event has no end.
func EventTimes(ev *model.Event) (start, end time.Time, loc *time.Location) {
	loc = eventLocation(ev.TZID)
	wall := func(t time.Time) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
	}
	switch {
	case ev.AllDay:
		s := ev.Start
		start = time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, loc)
		last := s
		if !ev.End.IsZero() && ev.End.After(s) {
			last = ev.End.AddDate(0, 0, -1)
			if last.Before(s) {
				last = s
			}
		}
		end = time.Date(last.Year(), last.Month(), last.Day(), 23, 59, 0, 0, loc)
	case ev.Floating:
		start = wall(ev.Start)
		if !ev.End.IsZero() {
			end = wall(ev.End)
		}
	default:
		start = ev.Start.In(loc)
		if !ev.End.IsZero() {
			end = ev.End.In(loc)
		}
	}
	if !end.IsZero() && end.Before(start) {
		end = start
	}
	return start, end, loc
}

// EventName returns the title Mobilizon will accept (3 to 200 characters):
// the summary, completed with the association's name when shorter than 3
// characters, cut with "…" past 200.
func EventName(ev *model.Event, a *model.Association) string {
	name := strings.Join(strings.Fields(ev.Summary), " ")
	if name == "" {
		name = "Événement"
	}
	if utf8.RuneCountInString(name) < MinNameRunes {
		if a != nil && a.Name != "" {
			name += " – " + strings.TrimSpace(a.Name)
		} else {
			name += " – événement"
		}
	}
	return truncateRunes(name, MaxNameRunes)
}

// OnlineURL returns the address of an online event: its LOCATION when it
// is an http(s) URL and no physical place is known.
func OnlineURL(ev *model.Event, place *model.Place) string {
	if place != nil && (place.Name != "" || place.Street != "" || place.Locality != "") {
		return ""
	}
	loc := strings.TrimSpace(ev.Location)
	if (strings.HasPrefix(loc, "https://") || strings.HasPrefix(loc, "http://")) && !strings.ContainsAny(loc, " \t\n") {
		return loc
	}
	return ""
}

// onlineMetadataKey names a video-conference or live URL the way
// Mobilizon's event metadata does, so that its page shows the right
// button; "" for any other URL.
func onlineMetadataKey(u string) string {
	host := strings.ToLower(hostOf(u))
	switch {
	case host == "":
		return ""
	case strings.Contains(host, "jit.si") || strings.Contains(host, "jitsi"):
		return "mz:visio:jitsi_meet"
	case strings.HasSuffix(host, "zoom.us"):
		return "mz:visio:zoom"
	case host == "teams.live.com" || host == "teams.microsoft.com":
		return "mz:visio:microsoft_teams"
	case host == "meet.google.com":
		return "mz:visio:google_meet"
	case strings.Contains(host, "bbb") || strings.Contains(host, "bigbluebutton"):
		return "mz:visio:big_blue_button"
	case host == "youtube.com" || host == "www.youtube.com" || host == "youtu.be":
		return "mz:live:youtube:url"
	case host == "twitch.tv" || host == "www.twitch.tv":
		return "mz:live:twitch:url"
	}
	return ""
}

// EventObject builds the ActivityPub Event for a local public event the way
// Mobilizon 5 emits its own (reference §4), minus what Bastide does not
// have (participants, pictures), and without any shape that makes
// Mobilizon drop it (§5.3, §12):
//
//   - id = EventID(uuid), url = EventURL(uuid) (the human page), uuid;
//   - attributedTo = the association's Group, actor = the instance relay
//     (an Application): with two different actors Mobilizon makes the
//     relay the organiser and the Group the event's group, so the event
//     shows on the Group's page and in its followers' feeds; with only
//     attributedTo the Group would be the organiser and no group be set;
//   - to = [Public] (Mobilizon reads visibility from `to` only),
//     cc = [the Group's followers];
//   - startTime/endTime with the event's offset, timezone an IANA name
//     (the TZID, else Europe/Paris), endTime null when unknown;
//   - status and ical:status (CONFIRMED, TENTATIVE, CANCELLED);
//   - one location Place with a PostalAddress and float coordinates, no
//     Place id (Mobilizon never updates a Place whose id it knows);
//     online events (LOCATION is a URL) get isOnline and a "Website" Link;
//   - joinMode "external" with externalParticipationUrl = the event's URL
//     when it has one, else "free"; comments closed (Bastide has none);
//   - category from CATEGORIES (CategoryFor), CATEGORIES also as Hashtags
//     shorter than 40 characters;
//   - content: the DESCRIPTION as escaped HTML paragraphs with links,
//     its #words and @handles left uninterpreted (ContentHTML);
//   - attachment: for online events a PropertyValue with Mobilizon's
//     video or live metadata key when the URL is Jitsi, Zoom, Meet, Teams,
//     BBB, YouTube or Twitch, then the "Website" Link (Mobilizon's online
//     address); the event's picture (ical.ImageOf: IMAGE, else an image
//     ATTACH) goes between the two as the Document named "Banner", which
//     Mobilizon downloads as the event's banner; attachment and contacts
//     are always lists, never null.
//
// place may be nil. For one occurrence of a recurring series, pass a copy
// of ev with that occurrence's Start/End and UUID (see OccurrenceUUID).
// The map has no @context: it is embedded in activities; add Context()
// when serving it alone.
func EventObject(ev *model.Event, a *model.Association, place *model.Place, u URIs) map[string]any {
	start, end, loc := EventTimes(ev)
	slug := ""
	if a != nil {
		slug = a.Slug
	}
	group := u.ActorID(slug)
	actor := u.RelayID()
	if actor == "" {
		actor = group
	}
	status := strings.ToUpper(strings.TrimSpace(ev.Status))
	if status != model.StatusTentative && status != model.StatusCancelled {
		status = model.StatusConfirmed
	}
	online := OnlineURL(ev, place)
	// Attachments in Mobilizon's order: metadata, the banner, then the
	// online address.
	attachments := []any{}
	if key := onlineMetadataKey(online); key != "" {
		attachments = append(attachments, map[string]any{"type": "PropertyValue", "propertyID": key, "value": online})
	}
	if pic := ical.Image(ev.Data); pic.URL != "" {
		banner := map[string]any{"type": "Document", "name": "Banner", "url": pic.URL}
		if pic.MediaType != "" {
			banner["mediaType"] = pic.MediaType
		}
		attachments = append(attachments, banner)
	}
	if online != "" {
		attachments = append(attachments, map[string]any{
			"type": "Link", "name": "Website", "mediaType": "text/html", "href": online,
		})
	}
	joinMode, external := "free", any(nil)
	if u := strings.TrimSpace(ev.URL); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		joinMode, external = "external", u
	}
	var endTime any
	if !end.IsZero() {
		endTime = end.Format(time.RFC3339)
	}
	obj := map[string]any{
		"type":                          "Event",
		"id":                            u.EventID(ev.UUID),
		"url":                           u.EventURL(ev.UUID),
		"uuid":                          ev.UUID,
		"name":                          EventName(ev, a),
		"mediaType":                     "text/html",
		"content":                       ContentHTML(truncate(ev.Description, MaxContentBytes)),
		"summary":                       eventSummary(start, loc, ev, place),
		"startTime":                     start.Format(time.RFC3339),
		"endTime":                       endTime,
		"timezone":                      loc.String(),
		"attributedTo":                  group,
		"actor":                         actor,
		"to":                            []any{Public},
		"cc":                            []any{u.FollowersID(slug)},
		"category":                      CategoryFor(ev.Categories),
		"tag":                           hashtags(ev.Categories),
		"joinMode":                      joinMode,
		"externalParticipationUrl":      external,
		"status":                        status,
		"ical:status":                   status,
		"repliesModerationOption":       "closed",
		"commentsEnabled":               false,
		"anonymousParticipationEnabled": false,
		"draft":                         false,
		"isOnline":                      online != "",
		"inLanguage":                    "fr",
		"maximumAttendeeCapacity":       0,
		"remainingAttendeeCapacity":     nil,
		"participantCount":              0,
		"contacts":                      []any{},
		"attachment":                    attachments,
	}
	if p := placeObject(ev, place); p != nil {
		obj["location"] = p
	}
	if t := firstTime(ev.Created, ev.Updated); !t.IsZero() {
		obj["published"] = t.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	if t := firstTime(ev.Updated, ev.Created); !t.IsZero() {
		obj["updated"] = t.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	return obj
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// placeObject builds the one Place of an event, in Mobilizon's shape
// (reference §4.3): a name, a PostalAddress split into street, postcode,
// locality, region and country, and float coordinates. A LOCATION text
// without a place record ("Salle des fêtes, 12 rue Pasteur, 47300
// Villeneuve-sur-Lot") is split into those parts; when it (or the place)
// names a commune of the registry and there is no GEO, the commune's
// centre is the position, so that Mobilizon's geographic search finds
// the event.
//
// Without any place (online events, events without LOCATION) Mobilizon
// drops the event's timezone and shows its times in UTC (reference §11),
// so the event then gets a Place without street or coordinates, named
// "En ligne" for an online event and after the département otherwise:
// with it, Mobilizon keeps the timezone sent.
func placeObject(ev *model.Event, place *model.Place) map[string]any {
	var p model.Place
	if place != nil {
		p = *place
	}
	fromText := false
	if p.Name == "" && p.Street == "" && p.Locality == "" {
		loc := strings.TrimSpace(ev.Location)
		if loc == "" || OnlineURL(ev, place) != "" {
			return zonePlace(OnlineURL(ev, place) != "")
		}
		p.Name, fromText = loc, true
		if !p.HasGeo && ev.HasGeo {
			p.Lat, p.Lon, p.HasGeo = ev.Lat, ev.Lon, true
		}
	}
	insee := p.CommuneINSEE
	if insee == "" {
		insee = ev.CommuneINSEE
	}
	c, ok := model.CommuneByINSEE(insee)
	switch {
	case ok:
	case p.Locality != "":
		c, ok = model.CommuneByName(p.Locality)
	default:
		c, ok = model.FindCommuneIn(p.Name + " " + p.Street)
	}
	if ok {
		insee = c.INSEE
		if p.Locality == "" {
			p.Locality = c.Name
		}
		if p.PostalCode == "" {
			p.PostalCode = postcodeIn(p.Name+" "+p.Street, c)
		}
		if !p.HasGeo && (c.Lat != 0 || c.Lon != 0) {
			p.Lat, p.Lon, p.HasGeo = c.Lat, c.Lon, true
		}
		if fromText {
			p.Name, p.Street = splitLocation(p.Name, c)
		}
	}
	name := strings.TrimSpace(p.Name)
	if name == "" {
		name = strings.TrimSpace(strings.Join(nonEmpty(p.Street, p.Locality), ", "))
	}
	var region, country any
	if strings.HasPrefix(insee, "47") || strings.HasPrefix(p.PostalCode, "47") {
		region = "Nouvelle-Aquitaine"
	}
	if p.Locality != "" || p.PostalCode != "" {
		country = "France"
	}
	obj := map[string]any{
		"type": "Place",
		"name": name,
		"address": map[string]any{
			"type":            "PostalAddress",
			"streetAddress":   nilIfEmpty(p.Street),
			"postalCode":      nilIfEmpty(p.PostalCode),
			"addressLocality": nilIfEmpty(p.Locality),
			"addressRegion":   region,
			"addressCountry":  country,
		},
	}
	if p.HasGeo {
		obj["latitude"] = Float(p.Lat)
		obj["longitude"] = Float(p.Lon)
	}
	return obj
}

// zonePlace is the Place of an event that has none: enough for Mobilizon
// to keep the timezone, nothing that would place it on a map.
func zonePlace(online bool) map[string]any {
	name := "Lot-et-Garonne"
	if online {
		name = "En ligne"
	}
	return map[string]any{
		"type": "Place",
		"name": name,
		"address": map[string]any{
			"type":            "PostalAddress",
			"streetAddress":   nil,
			"postalCode":      nil,
			"addressLocality": nil,
			"addressRegion":   "Nouvelle-Aquitaine",
			"addressCountry":  "France",
		},
	}
}

func nilIfEmpty(s string) any {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return s
}

// postcodeIn is the commune's postcode written in text, else its first.
func postcodeIn(text string, c *model.Commune) string {
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsDigit(r) }) {
		for _, pc := range c.Postcodes {
			if f == pc {
				return pc
			}
		}
	}
	if len(c.Postcodes) > 0 {
		return c.Postcodes[0]
	}
	return ""
}

// streetWords begin a street address (folded as model.FoldKey does).
var streetWords = map[string]bool{
	"rue": true, "avenue": true, "av": true, "boulevard": true, "bd": true, "place": true, "chemin": true,
	"route": true, "allee": true, "allees": true, "impasse": true, "quai": true, "cours": true, "square": true,
	"esplanade": true, "promenade": true, "faubourg": true, "passage": true, "voie": true, "lieu": true,
	"rond": true, "lotissement": true, "residence": true, "zone": true, "za": true, "zi": true,
}

// splitLocation splits a LOCATION text naming commune c into the venue's
// name and its street: comma-separated parts, the part naming the commune
// (with or without its postcode) left out, the parts that start with a
// number or a street word forming the street, the others the name. A
// text that is only a street is both.
func splitLocation(text string, c *model.Commune) (name, street string) {
	var names, streets []string
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" || isCommunePart(part, c) {
			continue
		}
		words := strings.Fields(model.FoldKey(part))
		if len(words) > 1 && (streetWords[words[0]] || unicode.IsDigit(rune(words[0][0]))) {
			// "12 rue Pasteur 47300 Villeneuve-sur-Lot": the commune at
			// the end of a street is its locality, not part of it (a
			// venue's name keeps it: "Salle des fêtes de Nérac").
			ws := strings.Fields(part)
			for k := 1; k < len(ws); k++ {
				if isCommunePart(strings.Join(ws[k:], " "), c) {
					part = strings.Join(ws[:k], " ")
					break
				}
			}
			streets = append(streets, part)
			continue
		}
		names = append(names, part)
	}
	street = strings.Join(streets, ", ")
	name = strings.Join(names, ", ")
	if name == "" {
		name = street
	}
	return name, street
}

// isCommunePart reports whether a part of a LOCATION text is only the
// commune c, with or without a postcode ("47300 Villeneuve-sur-Lot").
func isCommunePart(part string, c *model.Commune) bool {
	var rest []string
	for _, w := range strings.Fields(part) {
		if len(w) == 5 && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
			continue
		}
		rest = append(rest, w)
	}
	if len(rest) == 0 {
		return len(strings.Fields(part)) > 0
	}
	found, ok := model.CommuneByName(strings.Join(rest, " "))
	return ok && found.INSEE == c.INSEE
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// hashtags turns CATEGORIES into Hashtag objects: "Marché de producteurs"
// becomes #MarchéDeProducteurs. Names of 40 characters or more (dropped by
// Mobilizon) and duplicates are left out.
func hashtags(categories []string) []any {
	out := []any{}
	seen := map[string]bool{}
	for _, c := range categories {
		var b strings.Builder
		for _, w := range strings.FieldsFunc(c, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			r, n := utf8.DecodeRuneInString(w)
			b.WriteRune(unicode.ToUpper(r))
			b.WriteString(w[n:])
		}
		tag := b.String()
		if tag == "" || utf8.RuneCountInString(tag) > MaxTagRunes-1 || seen[strings.ToLower(tag)] {
			continue
		}
		seen[strings.ToLower(tag)] = true
		out = append(out, map[string]any{"type": "Hashtag", "name": "#" + tag})
	}
	return out
}

var (
	frWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frMonths   = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// eventSummary is the plain-text line Mobilizon puts in `summary`
// ("<long date> - <offset> - <address>"), in French. Mobilizon ignores it
// on input; Mastodon shows it with converted events.
func eventSummary(start time.Time, loc *time.Location, ev *model.Event, place *model.Place) string {
	date := frWeekdays[start.Weekday()] + " " + strconv.Itoa(start.Day()) + " " + frMonths[start.Month()-1] + " " + strconv.Itoa(start.Year())
	if !ev.AllDay {
		date += " à " + start.Format("15h04")
	}
	parts := []string{date, start.Format("UTC-07:00")}
	hasPlace := place != nil && (place.Name != "" || place.Street != "" || place.Locality != "")
	if OnlineURL(ev, place) != "" {
		parts = append(parts, "en ligne")
	} else if p := placeObject(ev, place); hasPlace || strings.TrimSpace(ev.Location) != "" {
		addr := p["address"].(map[string]any)
		str := func(k string) string { s, _ := addr[k].(string); return s }
		parts = append(parts, placeLine(&model.Place{Name: p["name"].(string), Street: str("streetAddress"),
			PostalCode: str("postalCode"), Locality: str("addressLocality")}))
	}
	return strings.Join(parts, " - ")
}
