package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
	"github.com/bastide47/bastide/ical/markup"
)

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// nextDates is how many coming dates an event page lists, and how many
// changed dates beyond them.
const nextDates = 10

type occurrence struct {
	When      string
	ISO       string
	Cancelled bool
	// Note is what a moved or changed date says of itself (its own title
	// and place) when they are not the series'.
	Note string
}

type eventPage struct {
	base
	Summary    string
	When       string
	ISO        string
	Recurring  bool
	Recurrence string
	Next       []occurrence
	// Changed are the dates after Next that differ from the series.
	Changed     []occurrence
	Cancelled   bool
	Tentative   bool
	PlaceName   string
	Address     []string
	Commune     string
	ShowCommune bool
	MapHref     string
	Online      string
	// Image is the poster's address; ImageShown when the page may load it
	// itself (it is on this instance: the page's CSP loads no image from
	// elsewhere, and a visitor's address is not given away to a third
	// party), else the page links to it.
	Image       string
	ImageShown  bool
	Website     string
	Price       string
	Access      []string
	Description string
	// DescriptionHTML is the description rendered (markup: a small
	// Markdown, plain text with bare links as it always was).
	DescriptionHTML template.HTML
	Categories      []string
	Assoc           string
	AssocHref       string
	Handle          string
	Source          string
	Group           string
	GroupHref       string
	Original        string
	ICSHref         string
	LD              map[string]any
	OGTitle         string
}

// publicEvent loads an event the public may see: a deleted public event is
// errGone (410), anything else missing or private is 404.
func (a *app) publicEvent(ctx context.Context, id string) (*model.Event, *model.Calendar, error) {
	if !uuidRe.MatchString(id) {
		return nil, nil, echo.ErrNotFound
	}
	e, err := a.store.GetEventByUUID(ctx, strings.ToLower(id))
	if errors.Is(err, db.ErrNotFound) {
		ts, terr := a.store.GetTombstone(ctx, strings.ToLower(id))
		if terr == nil && ts.Public {
			return nil, nil, errGone
		}
		if terr != nil && !errors.Is(terr, db.ErrNotFound) {
			return nil, nil, terr
		}
		return nil, nil, echo.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	cal, err := a.store.GetCalendar(ctx, e.CalendarID)
	if err != nil {
		return nil, nil, err
	}
	if cal.Withdrawn && model.PublicEvent(&model.Calendar{Public: cal.Public}, e) {
		return nil, nil, db.ErrWithdrawn // public but for its archived association: 410, saying so
	}
	if !model.PublicEvent(cal, e) {
		return nil, nil, echo.ErrNotFound
	}
	return e, cal, nil
}

// eventShow renders /events/{uuid}, or the event's .ics for /events/{uuid}.ics.
func (a *app) eventShow(c echo.Context) error {
	id := c.Param("uuid")
	suffix := ""
	if strings.HasSuffix(id, ".ics") {
		id, suffix = strings.TrimSuffix(id, ".ics"), ".ics"
	}
	// An occurrence of a series published on the fediverse as its own
	// Event (or an event republished under a new id) has an id of its own;
	// people following it from Mobilizon land on the series' page.
	if p, err := a.store.GetPublished(c.Request().Context(), id); err == nil && p.EventUUID != id {
		return c.Redirect(http.StatusFound, model.EventPath(url.PathEscape(p.EventUUID))+suffix)
	}
	if suffix != "" {
		return a.eventICS(c, id)
	}
	return a.respond(c, model.EventPath(id), "no-cache", func(ctx context.Context, st state) (*cached, error) {
		e, cal, err := a.publicEvent(ctx, id)
		if err != nil {
			return nil, err
		}
		p, err := a.eventPage(ctx, c, st, e, cal)
		if err != nil {
			return nil, err
		}
		body, err := a.render("event", p)
		if err != nil {
			return nil, err
		}
		return htmlEntry(body), nil
	})
}

func (a *app) eventICS(c echo.Context, id string) error {
	return a.respond(c, model.EventICSPath(id), "public, max-age=300", func(ctx context.Context, st state) (*cached, error) {
		e, _, err := a.publicEvent(ctx, id)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if err := ical.WriteFeed(&b, [][]byte{[]byte(e.Data)}, ical.FeedOptions{Name: e.Summary, Timezone: "Europe/Paris"}); err != nil {
			return nil, err
		}
		return &cached{ctype: "text/calendar; charset=utf-8", body: []byte(b.String()),
			extra: map[string]string{"Content-Disposition": `attachment; filename="` + e.UUID + `.ics"`}}, nil
	})
}

func (a *app) eventPage(ctx context.Context, c echo.Context, st state, e *model.Event, cal *model.Calendar) (*eventPage, error) {
	lang := st.Lang
	p := &eventPage{base: a.baseFor(c, e.Summary, model.EventPath(e.UUID), nil)}
	if p.Title == "" {
		p.Title = tr(lang, "event.untitled")
	}
	p.Summary = p.Title
	p.OGTitle = p.Title
	p.Cancelled = e.Status == model.StatusCancelled
	p.Tentative = e.Status == model.StatusTentative
	p.Recurring = e.Recurring
	p.ICSHref = model.EventICSPath(e.UUID)

	// When: the next occurrence (or the current one), else the first.
	series := e
	start, end := e.Start, e.End
	instances, err := a.store.GetInstances(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var upcoming []model.Instance
	for _, in := range instances {
		if !model.PublicOccurrence(cal, e, &in) {
			continue // a private date of a public series
		}
		if in.End.After(st.Now) || (in.End.Equal(in.Start) && !in.Start.Before(st.Now)) {
			upcoming = append(upcoming, in)
		}
	}
	if len(upcoming) > 0 {
		// The date the page leads with is the next one that takes place: a
		// cancelled occurrence is listed, struck through, under the next
		// dates, but must not read as the event's date.
		next := upcoming[0]
		for _, in := range upcoming {
			if in.Status != model.StatusCancelled {
				next = in
				break
			}
		}
		start, end = next.Start, next.End
		if next.Override {
			// The page leads with that date as it is: its own title,
			// place and text when its override changed them.
			e = model.Occurrence(e, &next)
			e.Status = series.Status
			if e.Summary != series.Summary && e.Summary != "" {
				p.Summary = e.Summary
			}
		}
	}
	sp := a.spanOf(start, end, e.AllDay, e.Floating)
	p.When = formatWhen(lang, sp)
	if sp.AllDay {
		p.ISO = sp.Start.Format("2006-01-02")
	} else {
		p.ISO = sp.Start.Format(time.RFC3339)
	}
	if e.Recurring {
		ruleStart := a.spanOf(e.Start, e.End, e.AllDay, e.Floating).Start
		p.Recurrence = describeRule(lang, e.RRule, ruleStart, a.paris)
		if p.Recurrence == "" {
			p.Recurrence = tr(lang, "event.recurring")
		}
		for i, in := range upcoming {
			// The next ten dates, then, beyond them, only the dates that
			// moved, changed place or were cancelled: those are the ones
			// a reader must not miss.
			later := i >= nextDates
			if later && (!in.Override || len(p.Changed) == nextDates) {
				continue
			}
			osp := a.spanOf(in.Start, in.End, e.AllDay, e.Floating)
			o := occurrence{When: formatWhen(lang, osp), Cancelled: in.Status == model.StatusCancelled || p.Cancelled}
			if in.Override {
				oe := model.Occurrence(series, &in)
				var note []string
				if oe.Summary != series.Summary {
					note = append(note, oe.Summary)
				}
				if oe.Location != series.Location {
					note = append(note, oe.Location)
				}
				o.Note = strings.Join(note, " — ")
			}
			if osp.AllDay {
				o.ISO = osp.Start.Format("2006-01-02")
			} else {
				o.ISO = osp.Start.Format(time.RFC3339)
			}
			if later {
				p.Changed = append(p.Changed, o)
			} else {
				p.Next = append(p.Next, o)
			}
		}
	}

	// Place.
	p.PlaceName = e.Location
	p.Commune = communeName(e.CommuneINSEE)
	var place *model.Place
	if e.PlaceID != 0 {
		if pl, err := a.store.GetPlace(ctx, e.PlaceID); err == nil {
			place = pl
			if pl.Name != "" {
				p.PlaceName = pl.Name
			}
			if pl.Street != "" {
				p.Address = append(p.Address, pl.Street)
			}
			if pl.PostalCode != "" || pl.Locality != "" {
				p.Address = append(p.Address, strings.TrimSpace(pl.PostalCode+" "+pl.Locality))
			}
			if p.Commune == "" {
				p.Commune = communeName(pl.CommuneINSEE)
			}
		} else if !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
	}
	if p.Commune != "" {
		k := model.FoldKey(p.Commune)
		p.ShowCommune = !strings.Contains(model.FoldKey(p.PlaceName+" "+strings.Join(p.Address, " ")), k)
	}
	lat, lon, geo := e.Lat, e.Lon, e.HasGeo
	if !geo && place != nil && place.HasGeo {
		lat, lon, geo = place.Lat, place.Lon, true
	}
	switch {
	case geo:
		p.MapHref = "https://www.openstreetmap.org/?mlat=" + fmtFloat(lat) + "&mlon=" + fmtFloat(lon) + "#map=17/" + fmtFloat(lat) + "/" + fmtFloat(lon)
	case p.PlaceName != "" || len(p.Address) > 0:
		parts := append([]string{p.PlaceName}, p.Address...)
		if p.ShowCommune {
			parts = append(parts, p.Commune)
		}
		qs := strings.Trim(strings.Join(parts, ", "), ", ")
		p.MapHref = "https://www.openstreetmap.org/search?query=" + strings.ReplaceAll(url.QueryEscape(qs), "+", "%20")
	}

	// Text and extras.
	desc := e.Description
	if e.Origin == model.OriginRemote {
		desc = htmlToText(desc)
	}
	p.Description = strings.TrimSpace(desc)
	p.DescriptionHTML = template.HTML(markup.HTML(p.Description))
	x := extrasOf(e, desc)
	p.Price, p.Access, p.Online = x.Price, x.Access, x.Online
	p.Image = e.ImageURL
	p.ImageShown = p.Image != "" && sameOrigin(p.Image, a.opts.BaseURL)
	if loc := strings.TrimSpace(e.Location); place == nil && !strings.ContainsAny(loc, " \t\n") && ical.PublicLink(loc) != "" {
		// An online event whose LOCATION is its address (the way federation
		// stores online Mobilizon events): a link, not a place.
		if p.Online == "" {
			p.Online = ical.PublicLink(loc)
		}
		if p.PlaceName == loc {
			p.PlaceName, p.MapHref = "", ""
		}
	}
	p.Website = ical.PublicLink(e.URL)
	p.Categories = e.Categories
	p.metaDescription()

	// Organiser.
	var assoc *model.Association
	if cal.AssociationID != 0 {
		as, err := a.store.GetAssociation(ctx, cal.AssociationID)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			assoc = as
			p.Assoc, p.AssocHref = as.Name, model.AssociationPath(as.Slug)
			if e.Origin != model.OriginRemote {
				p.Handle = a.handle(as.Slug)
			}
		}
	}
	if e.Origin == model.OriginRemote {
		p.Source = hostOf(e.APID)
		p.Original = ical.PublicLink(e.APID)
		if cal.Kind == model.CalendarRemote && assoc == nil {
			// The remote group or instance the event comes from.
			p.Group, p.GroupHref = cal.Name, ical.PublicLink(cal.Source)
		}
	}
	p.LD = a.eventLD(e, p, sp, assoc, place, lat, lon, geo)
	if e.Recurring {
		if sch := a.scheduleLD(e); sch != nil {
			p.LD["eventSchedule"] = sch
		}
	}
	return p, nil
}

var schemaDays = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// scheduleLD is the schema.org Schedule of a simple RRULE (a frequency,
// an interval, plain weekdays or days of the month, COUNT or UNTIL), or
// nil for rules it cannot say: the page's startDate is then the next
// occurrence alone, which is still true.
func (a *app) scheduleLD(e *model.Event) map[string]any {
	r, ok := parseRuleParts(e.RRule)
	if !ok || len(r.byMonth) > 0 {
		return nil
	}
	unit := map[string]string{"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}[r.freq]
	sp := a.spanOf(e.Start, e.End, e.AllDay, e.Floating)
	sch := map[string]any{"@type": "Schedule", "repeatFrequency": "P" + strconv.Itoa(r.interval) + unit,
		"startDate": sp.Start.Format("2006-01-02"), "scheduleTimezone": "Europe/Paris"}
	var days []string
	for _, d := range r.byDay {
		if d.n != 0 {
			return nil
		}
		days = append(days, "https://schema.org/"+schemaDays[d.day])
	}
	if len(days) > 0 {
		sch["byDay"] = days
	}
	if len(r.byMDay) > 0 {
		sch["byMonthDay"] = r.byMDay
	}
	if !sp.AllDay {
		sch["startTime"] = sp.Start.Format("15:04:05")
		if sp.End.After(sp.Start) {
			sch["endTime"] = sp.End.Format("15:04:05")
		}
	}
	if r.count > 0 {
		sch["repeatCount"] = r.count
	}
	if !r.until.IsZero() {
		u := r.until
		if !r.untilDate {
			u = u.In(a.paris)
		}
		sch["endDate"] = u.Format("2006-01-02")
	}
	return sch
}

// metaDescription fills the meta description from the event text.
func (p *eventPage) metaDescription() {
	d := p.When
	if p.PlaceName != "" {
		d += " — " + p.PlaceName
	}
	if p.Description != "" {
		d += " — " + excerpt(p.Description, 160)
	}
	p.base.Description = d
}

// eventLD is the schema.org Event of the page. html/template marshals it
// inside <script type="application/ld+json"> with <, > and & escaped, so a
// field cannot close the script element.
func (a *app) eventLD(e *model.Event, p *eventPage, sp span, assoc *model.Association, place *model.Place, lat, lon float64, geo bool) map[string]any {
	ld := map[string]any{
		"@context": "https://schema.org",
		"@type":    "Event",
		"name":     p.Summary,
		"url":      a.opts.BaseURL + model.EventPath(e.UUID),
	}
	if p.Image != "" {
		ld["image"] = p.Image
	}
	if sp.AllDay {
		ld["startDate"] = sp.Start.Format("2006-01-02")
		ld["endDate"] = sp.lastDay().Format("2006-01-02")
	} else {
		ld["startDate"] = sp.Start.Format(time.RFC3339)
		if sp.End.After(sp.Start) {
			ld["endDate"] = sp.End.Format(time.RFC3339)
		}
	}
	if p.Description != "" {
		ld["description"] = excerpt(p.Description, 5000)
	}
	status := "https://schema.org/EventScheduled"
	if p.Cancelled {
		status = "https://schema.org/EventCancelled"
	}
	ld["eventStatus"] = status
	var locs []any
	if p.PlaceName != "" || len(p.Address) > 0 || p.Commune != "" {
		addr := map[string]any{"@type": "PostalAddress", "addressRegion": "Lot-et-Garonne", "addressCountry": "FR"}
		if place != nil {
			if place.Street != "" {
				addr["streetAddress"] = place.Street
			}
			if place.PostalCode != "" {
				addr["postalCode"] = place.PostalCode
			}
		}
		if p.Commune != "" {
			addr["addressLocality"] = p.Commune
		} else if place != nil && place.Locality != "" {
			addr["addressLocality"] = place.Locality
		}
		pl := map[string]any{"@type": "Place", "address": addr}
		if p.PlaceName != "" {
			pl["name"] = p.PlaceName
		}
		if geo {
			pl["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
		}
		locs = append(locs, pl)
	}
	if p.Online != "" {
		locs = append(locs, map[string]any{"@type": "VirtualLocation", "url": p.Online})
	}
	switch {
	case p.Online != "" && len(locs) > 1:
		ld["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
	case p.Online != "":
		ld["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
	default:
		ld["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
	}
	if len(locs) == 1 {
		ld["location"] = locs[0]
	} else if len(locs) > 1 {
		ld["location"] = locs
	}
	if assoc != nil {
		org := map[string]any{"@type": "Organization", "name": assoc.Name, "url": a.opts.BaseURL + model.AssociationPath(assoc.Slug)}
		ld["organizer"] = org
	} else if p.Group != "" {
		org := map[string]any{"@type": "Organization", "name": p.Group}
		if p.GroupHref != "" {
			org["url"] = p.GroupHref
		}
		ld["organizer"] = org
	} else if p.Source != "" {
		ld["organizer"] = map[string]any{"@type": "Organization", "name": p.Source}
	}
	if len(e.Categories) > 0 {
		ld["keywords"] = strings.Join(e.Categories, ", ")
	}
	if p.Price != "" {
		free := isFree(p.Price)
		ld["isAccessibleForFree"] = free
		offer := map[string]any{"@type": "Offer", "url": ld["url"], "description": p.Price}
		if free {
			offer["price"], offer["priceCurrency"] = "0", "EUR"
		} else if amount, ok := euroAmount(p.Price); ok {
			offer["price"], offer["priceCurrency"] = amount, "EUR"
		}
		ld["offers"] = offer
	}
	return ld
}

// euroRe finds the first amount in euros of a price written by hand:
// "5 €", "5,50 €", "€5", "12 euros", "8 EUR".
var euroRe = regexp.MustCompile(`(?i)(?:€\s*(\d{1,5}(?:[.,]\d{1,2})?)|(\d{1,5}(?:[.,]\d{1,2})?)\s*(?:€|euros?\b|eur\b))`)

// euroAmount returns the first euro amount of a price text, as schema.org
// wants it ("5.50"), and whether there was one.
func euroAmount(price string) (string, bool) {
	m := euroRe.FindStringSubmatch(price)
	if m == nil {
		return "", false
	}
	v := m[1]
	if v == "" {
		v = m[2]
	}
	return strings.Replace(v, ",", ".", 1), true
}

func isFree(price string) bool {
	p := strings.ToLower(price)
	return strings.HasPrefix(p, "gratuit") || strings.HasPrefix(p, "free") || strings.HasPrefix(p, "entrée libre") || p == "0" || p == "0 €"
}

// sameOrigin reports whether the absolute address u is on the origin of base.
func sameOrigin(u, base string) bool {
	pu, err1 := url.Parse(u)
	pb, err2 := url.Parse(base)
	return err1 == nil && err2 == nil && pu.Scheme == pb.Scheme && strings.EqualFold(pu.Host, pb.Host)
}
