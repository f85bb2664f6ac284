package web

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// The JSON API (documented in the README): /api/events takes the agenda's
// filters, plus limit and after for paging.

type apiCommune struct {
	INSEE string `json:"insee"`
	Name  string `json:"name"`
}

type apiGeo struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

type apiAssociation struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type apiEvent struct {
	UUID        string          `json:"uuid"`
	URL         string          `json:"url"`
	ICS         string          `json:"ics"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Start       string          `json:"start"`
	End         string          `json:"end"`
	AllDay      bool            `json:"all_day"`
	Status      string          `json:"status"`
	Recurring   bool            `json:"recurring"`
	RRule       string          `json:"rrule,omitempty"`
	Location    string          `json:"location"`
	Commune     *apiCommune     `json:"commune"`
	Geo         *apiGeo         `json:"geo"`
	Categories  []string        `json:"categories"`
	Website     string          `json:"website,omitempty"`
	Association *apiAssociation `json:"association"`
	Origin      string          `json:"origin"`
	Source      string          `json:"source,omitempty"`
	Updated     string          `json:"updated"`
}

type apiPage struct {
	Events []apiEvent `json:"events"`
	Count  int        `json:"count"`
	Next   string     `json:"next,omitempty"`
}

func (a *app) apiEvent(r db.InstanceRow) apiEvent {
	e := r.Event
	sp := a.spanOf(r.Instance.Start, r.Instance.End, e.AllDay, e.Floating)
	ev := apiEvent{UUID: e.UUID, URL: a.opts.BaseURL + model.EventPath(e.UUID), ICS: a.opts.BaseURL + model.EventICSPath(e.UUID),
		Title: e.Summary, Description: e.Description, AllDay: e.AllDay, Recurring: e.Recurring, RRule: e.RRule,
		Location: e.Location, Categories: e.Categories, Website: ical.PublicLink(e.URL), Origin: e.Origin,
		Status: "confirmed", Updated: e.Updated.UTC().Format(time.RFC3339)}
	if e.Origin == model.OriginRemote {
		ev.Description = htmlToText(e.Description)
		ev.Source = hostOf(e.APID)
	}
	switch {
	case isCancelled(r):
		ev.Status = "cancelled"
	case e.Status == model.StatusTentative:
		ev.Status = "tentative"
	}
	if sp.AllDay {
		ev.Start, ev.End = sp.Start.Format("2006-01-02"), sp.End.Format("2006-01-02")
	} else if e.Floating {
		ev.Start, ev.End = sp.Start.Format("2006-01-02T15:04:05"), sp.End.Format("2006-01-02T15:04:05")
	} else {
		ev.Start, ev.End = sp.Start.Format(time.RFC3339), sp.End.Format(time.RFC3339)
	}
	if ev.Categories == nil {
		ev.Categories = []string{}
	}
	if name := communeName(e.CommuneINSEE); name != "" {
		ev.Commune = &apiCommune{INSEE: e.CommuneINSEE, Name: name}
	}
	if e.HasGeo {
		ev.Geo = &apiGeo{Lat: e.Lat, Lon: e.Lon}
	}
	if r.AssociationSlug != "" {
		ev.Association = &apiAssociation{Slug: r.AssociationSlug, Name: r.AssociationName, URL: a.opts.BaseURL + model.AssociationPath(r.AssociationSlug)}
	}
	return ev
}

// apiEvents serves /api/events.
func (a *app) apiEvents(c echo.Context) error {
	p, err := a.parseFeedParams(c.QueryParams())
	if err != nil {
		return err
	}
	return a.respond(c, "/api/events?"+p.key(), "public, max-age=60", func(ctx context.Context, st state) (*cached, error) {
		res, err := a.resolve(p.f)
		if err != nil {
			return nil, err
		}
		rows, _, err := a.occurrences(ctx, st, p, res)
		if err != nil {
			return nil, err
		}
		page := apiPage{Events: make([]apiEvent, 0, len(rows)), Count: len(rows)}
		for _, r := range rows {
			page.Events = append(page.Events, a.apiEvent(r))
		}
		if len(rows) == p.limit {
			last := rows[len(rows)-1]
			v := p.f.values()
			v.Set("limit", itoa(p.limit))
			v.Set(paramAfter, db.InstanceCursor{Start: last.Instance.Start, EventID: last.Event.ID}.String())
			page.Next = a.opts.BaseURL + "/api/events?" + v.Encode()
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", " ")
		if err := enc.Encode(page); err != nil {
			return nil, err
		}
		return &cached{ctype: "application/json; charset=utf-8", body: bytes.TrimRight(buf.Bytes(), "\n"),
			extra: map[string]string{"Access-Control-Allow-Origin": "*"}}, nil
	})
}
