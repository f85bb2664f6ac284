package web

import (
	"bytes"
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/ical"
)

// feedICS serves /feeds/agenda.ics: the filtered agenda as one calendar to
// subscribe to (webcal://), recurring events kept as series with their
// exceptions, each time zone with its VTIMEZONE.
func (a *app) feedICS(c echo.Context) error {
	f, err := parseFilter(c.QueryParams(), a.paris)
	if err != nil {
		return err
	}
	return a.respond(c, "/feeds/agenda.ics?"+f.values().Encode(), "public, max-age=300", func(ctx context.Context, st state) (*cached, error) {
		res, err := a.resolve(f)
		if err != nil {
			return nil, err
		}
		objs, err := a.seriesData(ctx, st, f, res)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		err = ical.WriteFeed(&buf, objs, ical.FeedOptions{Name: a.feedTitle(st, res), Description: st.Site.Description,
			Timezone: "Europe/Paris", RefreshInterval: time.Hour})
		if err != nil {
			return nil, err
		}
		return &cached{ctype: "text/calendar; charset=utf-8", body: buf.Bytes(), extra: map[string]string{
			"Content-Disposition":         `inline; filename="agenda.ics"`,
			"Access-Control-Allow-Origin": "*",
		}}, nil
	})
}
