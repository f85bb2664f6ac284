package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bastide47/bastide/federation/mobilizon"
)

// groupEventsQuery is the public query of reference §8.2.
const groupEventsQuery = `query GroupEvents($name: String!, $after: DateTime, $page: Int, $limit: Int) {
  group(preferredUsername: $name) {
    id url preferredUsername name domain
    organizedEvents(afterDatetime: $after, page: $page, limit: $limit, order: BEGINS_ON, orderDirection: ASC) {
      total
      elements {
        uuid url title description beginsOn endsOn status visibility joinOptions
        externalParticipationUrl onlineAddress draft language category updatedAt
        options { timezone isOnline maximumAttendeeCapacity }
        physicalAddress { description street postalCode locality region country geom url timezone }
        picture { url }
        tags { title slug }
        organizerActor { preferredUsername domain url }
        attributedTo { preferredUsername domain url }
      }
    }
  }
}`

// graphQLPageSize is the page size asked of Mobilizon.
const graphQLPageSize = 20

type gqlActor struct {
	PreferredUsername string `json:"preferredUsername"`
	Domain            string `json:"domain"`
	URL               string `json:"url"`
}

type gqlEvent struct {
	UUID                     string  `json:"uuid"`
	URL                      string  `json:"url"`
	Title                    string  `json:"title"`
	Description              string  `json:"description"`
	BeginsOn                 string  `json:"beginsOn"`
	EndsOn                   *string `json:"endsOn"`
	Status                   string  `json:"status"`
	Visibility               string  `json:"visibility"`
	JoinOptions              string  `json:"joinOptions"`
	ExternalParticipationURL *string `json:"externalParticipationUrl"`
	OnlineAddress            *string `json:"onlineAddress"`
	Draft                    bool    `json:"draft"`
	Language                 string  `json:"language"`
	Category                 string  `json:"category"`
	UpdatedAt                string  `json:"updatedAt"`
	Options                  *struct {
		Timezone *string `json:"timezone"`
		IsOnline bool    `json:"isOnline"`
	} `json:"options"`
	PhysicalAddress *struct {
		Description string  `json:"description"`
		Street      string  `json:"street"`
		PostalCode  string  `json:"postalCode"`
		Locality    string  `json:"locality"`
		Region      string  `json:"region"`
		Country     string  `json:"country"`
		Geom        *string `json:"geom"`
		URL         string  `json:"url"`
		Timezone    *string `json:"timezone"`
	} `json:"physicalAddress"`
	Picture *struct {
		URL string `json:"url"`
	} `json:"picture"`
	Tags []struct {
		Title string `json:"title"`
	} `json:"tags"`
	OrganizerActor *gqlActor `json:"organizerActor"`
	AttributedTo   *gqlActor `json:"attributedTo"`
}

// BackfillGraphQL reads a Mobilizon group's upcoming events through the
// instance's public GraphQL API (POST <instance>/api, reference §8.2):
// group(preferredUsername:){organizedEvents(afterDatetime: after)}, pages
// of 20, at most max events (default 100, at most 1000). Mobilizon's
// filter keeps events that end (or, without an end, start) after `after`,
// so ongoing events are included.
//
// Each event is mapped to an ActivityStreams-like Event map that
// mobilizon.ParseEvent reads: id and url = the event URL, name, content,
// startTime, endTime, timezone, status, category, uuid, joinMode,
// externalParticipationUrl, isOnline, draft, to (Public for PUBLIC
// visibility), attributedTo (the group) and actor (the organiser),
// location (a Place with a PostalAddress and float coordinates from
// geom "lon;lat"), a "Website" Link attachment for the online address, an
// image, and Hashtags. Drafts, non-public events, and events whose URL is
// not on the queried instance (copies it holds of other servers' events;
// fetch those from their origin) are left out.
func BackfillGraphQL(ctx context.Context, c *Client, instanceBaseURL, groupPreferredUsername string, after time.Time, max int) ([]map[string]any, error) {
	max = clamp(max, DefaultBackfillItems, MaxBackfillItems)
	base := strings.TrimSuffix(instanceBaseURL, "/")
	origin := mobilizon.Origin(base)
	if origin == "" {
		return nil, fmt.Errorf("remote: graphql: %q is not an http(s) URL", truncate(instanceBaseURL, 100))
	}
	name := strings.TrimPrefix(strings.TrimSpace(groupPreferredUsername), "@")
	if name == "" {
		return nil, fmt.Errorf("remote: graphql: empty group name")
	}
	var out []map[string]any
	for page := 1; len(out) < max && page <= MaxBackfillPages; page++ {
		vars := map[string]any{"name": name, "page": page, "limit": graphQLPageSize}
		if !after.IsZero() {
			vars["after"] = after.UTC().Format(time.RFC3339)
		}
		body, _ := json.Marshal(map[string]any{"query": groupEventsQuery, "variables": vars})
		req, err := http.NewRequest(http.MethodPost, base+"/api", bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("remote: graphql: %w", err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, data, err := c.do(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("remote: graphql %s: %w", base, err)
		}
		if !isPlainJSON(resp.Header.Get("Content-Type")) {
			return nil, fmt.Errorf("%w: graphql %s served %q", ErrContentType, base, resp.Header.Get("Content-Type"))
		}
		if err := CheckDepth(data, c.opts.MaxDepth); err != nil {
			return nil, err
		}
		var r struct {
			Data struct {
				Group *struct {
					URL             string `json:"url"`
					OrganizedEvents struct {
						Total    int        `json:"total"`
						Elements []gqlEvent `json:"elements"`
					} `json:"organizedEvents"`
				} `json:"group"`
			} `json:"data"`
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("remote: graphql %s: bad JSON: %w", base, err)
		}
		if len(r.Errors) > 0 {
			return nil, fmt.Errorf("remote: graphql %s: %s", base, truncate(r.Errors[0].Message, 200))
		}
		if r.Data.Group == nil {
			return nil, fmt.Errorf("remote: graphql %s: no group %q", base, truncate(name, 100))
		}
		els := r.Data.Group.OrganizedEvents.Elements
		for _, e := range els {
			if len(out) >= max {
				break
			}
			if e.Draft || !strings.EqualFold(e.Visibility, "PUBLIC") || !mobilizon.SameOrigin(e.URL, origin) {
				continue
			}
			m := graphQLEventMap(e, r.Data.Group.URL)
			if _, err := mobilizon.ParseEvent(m); err != nil {
				continue
			}
			out = append(out, m)
		}
		if len(els) < graphQLPageSize || page*graphQLPageSize >= r.Data.Group.OrganizedEvents.Total {
			break
		}
	}
	return out, nil
}

func graphQLEventMap(e gqlEvent, groupURL string) map[string]any {
	m := map[string]any{
		"type":      "Event",
		"id":        e.URL,
		"url":       e.URL,
		"name":      e.Title,
		"content":   e.Description,
		"mediaType": "text/html",
		"startTime": e.BeginsOn,
		"status":    strings.ToUpper(e.Status),
		"to":        []any{mobilizon.Public},
		"draft":     e.Draft,
		"tag":       []any{},
	}
	if mobilizon.ValidUUID(e.UUID) {
		m["uuid"] = e.UUID
	}
	if e.EndsOn != nil && *e.EndsOn != "" {
		m["endTime"] = *e.EndsOn
	}
	if e.UpdatedAt != "" {
		m["updated"] = e.UpdatedAt
	}
	if e.Category != "" {
		m["category"] = e.Category
	}
	if jm := strings.ToLower(e.JoinOptions); jm != "" {
		m["joinMode"] = jm
	}
	if e.ExternalParticipationURL != nil && *e.ExternalParticipationURL != "" {
		m["externalParticipationUrl"] = *e.ExternalParticipationURL
	}
	if e.Language != "" {
		m["inLanguage"] = e.Language
	}
	group := groupURL
	if e.AttributedTo != nil && e.AttributedTo.URL != "" {
		group = e.AttributedTo.URL
	}
	if group != "" {
		m["attributedTo"] = group
	}
	if e.OrganizerActor != nil && e.OrganizerActor.URL != "" {
		m["actor"] = e.OrganizerActor.URL
		if group == "" {
			m["attributedTo"] = e.OrganizerActor.URL
		}
	}
	tz := ""
	if e.Options != nil {
		m["isOnline"] = e.Options.IsOnline
		if e.Options.Timezone != nil {
			tz = *e.Options.Timezone
		}
	}
	if a := e.PhysicalAddress; a != nil {
		if tz == "" && a.Timezone != nil {
			tz = *a.Timezone
		}
		place := map[string]any{
			"type": "Place",
			"name": a.Description,
			"address": map[string]any{
				"type":            "PostalAddress",
				"streetAddress":   a.Street,
				"postalCode":      a.PostalCode,
				"addressLocality": a.Locality,
				"addressRegion":   a.Region,
				"addressCountry":  a.Country,
			},
		}
		if a.Geom != nil {
			if lon, lat, ok := strings.Cut(*a.Geom, ";"); ok {
				lo, err1 := strconv.ParseFloat(lon, 64)
				la, err2 := strconv.ParseFloat(lat, 64)
				if err1 == nil && err2 == nil {
					place["latitude"], place["longitude"] = mobilizon.Float(la), mobilizon.Float(lo)
				}
			}
		}
		m["location"] = place
	}
	if tz != "" {
		m["timezone"] = tz
	}
	var att []any
	if e.OnlineAddress != nil && *e.OnlineAddress != "" {
		att = append(att, map[string]any{"type": "Link", "name": "Website", "mediaType": "text/html", "href": *e.OnlineAddress})
	}
	if e.Picture != nil && e.Picture.URL != "" {
		att = append(att, map[string]any{"type": "Document", "name": "Banner", "url": e.Picture.URL})
	}
	if att == nil {
		att = []any{}
	}
	m["attachment"] = att
	tags := []any{}
	for _, t := range e.Tags {
		if t.Title != "" {
			tags = append(tags, map[string]any{"type": "Hashtag", "name": "#" + t.Title})
		}
	}
	m["tag"] = tags
	return m
}
