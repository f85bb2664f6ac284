package web

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
	"github.com/bastide47/bastide/web/form"
)

// The event form of the back office is one more client of the store
// road: it edits the stored iCalendar text with ical.Edit (only the
// properties whose field changed, everything else kept byte for byte),
// parses and expands it with ical like a CalDAV PUT, and writes it with
// store.PutEvent under the ETag the form was built from.

// eventGroup is a part of the form and the properties it owns.
type eventGroup struct {
	props []string
	same  func(a, b *form.Event) bool
	write func(f *form.Event) []ical.Prop
}

var eventGroups = []eventGroup{
	{[]string{"SUMMARY"}, func(a, b *form.Event) bool { return a.Title == b.Title },
		func(f *form.Event) []ical.Prop { return []ical.Prop{ical.TextProp("SUMMARY", f.Title)} }},
	{[]string{"DTSTART", "DTEND", "DURATION"}, func(a, b *form.Event) bool {
		return a.AllDay == b.AllDay && a.Start.Equal(b.Start) && a.End.Equal(b.End)
	},
		func(f *form.Event) []ical.Prop {
			ps := []ical.Prop{ical.TimeProp("DTSTART", f.Start, f.AllDay, form.Zone)}
			if !f.End.IsZero() {
				ps = append(ps, ical.TimeProp("DTEND", f.End, f.AllDay, form.Zone))
			}
			return ps
		}},
	{[]string{"LOCATION"}, func(a, b *form.Event) bool { return locationOf(a) == locationOf(b) },
		func(f *form.Event) []ical.Prop { return optText("LOCATION", locationOf(f)) }},
	{[]string{"DESCRIPTION"}, func(a, b *form.Event) bool { return a.Description == b.Description },
		func(f *form.Event) []ical.Prop { return optText("DESCRIPTION", f.Description) }},
	{[]string{"CATEGORIES"}, func(a, b *form.Event) bool { return slices.Equal(a.Categories, b.Categories) },
		func(f *form.Event) []ical.Prop {
			if len(f.Categories) == 0 {
				return nil
			}
			return []ical.Prop{ical.ListProp("CATEGORIES", f.Categories)}
		}},
	{[]string{"X-BASTIDE-PRICE"}, func(a, b *form.Event) bool { return priceOf(a) == priceOf(b) },
		func(f *form.Event) []ical.Prop { return optText("X-BASTIDE-PRICE", priceOf(f)) }},
	{[]string{"X-BASTIDE-ACCESSIBILITY"}, func(a, b *form.Event) bool { return slices.Equal(a.AccessList, b.AccessList) },
		func(f *form.Event) []ical.Prop {
			var ps []ical.Prop
			for _, x := range f.AccessList {
				ps = append(ps, ical.TextProp("X-BASTIDE-ACCESSIBILITY", x))
			}
			return ps
		}},
	{[]string{"X-BASTIDE-ONLINE-URL"}, func(a, b *form.Event) bool { return a.Online == b.Online },
		func(f *form.Event) []ical.Prop {
			if f.Online == "" {
				return nil
			}
			return []ical.Prop{ical.URIProp("X-BASTIDE-ONLINE-URL", f.Online)}
		}},
	// The poster: an upload replaces every IMAGE of the event (the one
	// the form wrote, or a calendar app's); no upload keeps them as they
	// are.
	{[]string{"IMAGE"}, func(a, b *form.Event) bool { return a.Image == b.Image },
		func(f *form.Event) []ical.Prop {
			if f.Image == "" {
				return nil
			}
			return []ical.Prop{ical.ImageProp(f.Image, f.ImageType)}
		}},
	{[]string{"RRULE", "EXDATE"}, func(a, b *form.Event) bool {
		return a.Custom || (a.RRule == b.RRule && slices.EqualFunc(a.SkipDates, b.SkipDates, time.Time.Equal))
	}, func(f *form.Event) []ical.Prop {
		if f.RRule == "" {
			return nil
		}
		ps := []ical.Prop{ical.ValueProp("RRULE", f.RRule)}
		if len(f.SkipDates) > 0 {
			ps = append(ps, ical.TimesProp("EXDATE", f.SkipDates, f.AllDay, form.Zone))
		}
		return ps
	}},
}

func optText(name, v string) []ical.Prop {
	if v == "" {
		return nil
	}
	return []ical.Prop{ical.TextProp(name, v)}
}

// freePrice is what a free event says as its price.
const freePrice = "Gratuit"

func priceOf(f *form.Event) string {
	if f.Free {
		return freePrice
	}
	return f.Price
}

// locationOf is LOCATION: the place, then the commune unless the place
// already names it.
func locationOf(f *form.Event) string {
	if f.Commune == "" || strings.Contains(model.FoldKey(f.Location), model.FoldKey(f.Commune)) {
		return f.Location
	}
	if f.Location == "" {
		return f.Commune
	}
	return f.Location + ", " + f.Commune
}

// editEvent applies what changed between was (the form of the stored
// object, validated) and f to data, with a new DTSTAMP, LAST-MODIFIED and
// SEQUENCE.
func editEvent(data []byte, was, f *form.Event, seq int, now time.Time) ([]byte, error) {
	owned := []string{"DTSTAMP", "LAST-MODIFIED", "SEQUENCE"}
	props := ical.StampProps(now, seq)
	for _, g := range eventGroups {
		if g.same(was, f) {
			continue
		}
		owned = append(owned, g.props...)
		props = append(props, g.write(f)...)
	}
	return ical.Edit(data, owned, props)
}

// eventForm is the form of a stored event, and whether its text could be
// read as one (a stored object always can).
func (a *app) eventForm(e *model.Event) *form.Event {
	f := &form.Event{ETag: e.ETag, Title: e.Summary, AllDay: e.AllDay, Location: e.Location,
		Description: e.Description, Categories: slices.Clone(e.Categories)}
	start, end := e.Start, e.End
	if !e.AllDay && !e.Floating {
		start, end = start.In(a.paris), end.In(a.paris)
	}
	f.StartDate = start.Format(time.DateOnly)
	if e.AllDay {
		if end.After(start) {
			end = end.AddDate(0, 0, -1)
		}
		f.EndDate = end.Format(time.DateOnly)
	} else {
		f.StartTime = start.Format("15:04")
		if end.After(start) {
			f.EndDate, f.EndTime = end.Format(time.DateOnly), end.Format("15:04")
		}
	}
	// "Place, Commune" as the form wrote it shows in its two fields.
	if com, ok := model.CommuneByINSEE(e.CommuneINSEE); ok {
		if place, ok := strings.CutSuffix(f.Location, ", "+com.Name); ok {
			f.Location, f.Commune = place, com.Name
		} else if f.Location == com.Name {
			f.Location, f.Commune = "", com.Name
		}
	}
	f.Price, f.Online, f.Access = e.Price, e.Online, strings.Join(e.Access, "\n")
	f.Image, f.ImageType = e.ImageURL, e.ImageType
	if f.Price == freePrice {
		f.Price, f.Free = "", true
	}
	if e.RRule != "" {
		if g := *f; ruleToForm(e.RRule, start, &g) {
			*f = g
			f.Skip = strings.Join(ical.SkipDays([]byte(e.Data), a.paris), "\n")
		} else {
			f.Custom = true
		}
	}
	return f
}

// isImageType tells whether t is a bare image media type, as a carried
// poster's FMTTYPE may be.
func isImageType(t string) bool {
	mt, params, err := mime.ParseMediaType(t)
	return err == nil && len(params) == 0 && mt == t && strings.HasPrefix(t, "image/")
}

// Bounds of a poster: the upload, and the longest side it is shrunk to.
const (
	maxPosterBytes = 8 << 20
	posterSide     = 1600
)

// eventUpload reads the event form, with its poster when one is sent:
// the form's values, the poster (nil for none) and, when the poster was
// refused, its error (the other fields come back as typed). f.Image is
// then what the event's IMAGE will be: kept (was), the new poster's
// address, or "" when removal is asked.
func (a *app) eventUpload(c echo.Context, was string) (*form.Event, *model.Image, form.Errors, int, error) {
	up, code, err := readUpload(c, "image", maxPosterBytes, posterSide)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	if up.Values == nil {
		// Over the size bound: nothing of the form could be read.
		return nil, nil, form.Errors{"image": *up.Refusal}, code, nil
	}
	f := form.NewEvent(up.Values)
	f.Image = was
	if was == "" {
		// A new event carries the poster its form showed: the copied
		// event's (duplicate), or one sent before "check the day". Any
		// http(s) link, as an editor may write over CalDAV.
		f.Image = ical.PublicLink(up.Values.Get("poster"))
		if t := up.Values.Get("poster_type"); f.Image != "" && isImageType(t) {
			f.ImageType = t
		}
	}
	errs := form.Errors{}
	switch {
	case up.Refusal != nil:
		errs["image"] = *up.Refusal
	case up.Picture != nil:
		f.Image, f.ImageType = a.opts.BaseURL+imagePath(up.Picture.SHA256), up.Picture.MIME
	case f.RemoveImage:
		f.Image = ""
	}
	return f, up.Picture, errs, code, nil
}

// ruleToForm fills the recurrence fields from a rule, and tells whether
// the form can express it.
func ruleToForm(rule string, start time.Time, f *form.Event) bool {
	r, ok := parseRuleParts(rule)
	if !ok || strings.Contains(strings.ToUpper(rule), "WKST=") && !strings.Contains(strings.ToUpper(rule), "WKST=MO") ||
		len(r.byMonth) > 0 || len(r.byMDay) > 0 || (r.count > 0 && !r.until.IsZero()) {
		return false
	}
	f.Freq, f.Interval, f.Ends = r.freq, strconv.Itoa(r.interval), "never"
	switch r.freq {
	case "DAILY", "YEARLY":
		if len(r.byDay) > 0 {
			return false
		}
	case "WEEKLY":
		for _, d := range r.byDay {
			if d.n != 0 {
				return false
			}
			f.Days = append(f.Days, weekdayCode(d.day))
		}
	case "MONTHLY":
		f.MonthMode = "date"
		if len(r.byDay) > 0 {
			n := (start.Day()-1)/7 + 1
			if n == 5 {
				n = -1
			}
			if len(r.byDay) != 1 || r.byDay[0].day != start.Weekday() || r.byDay[0].n != n {
				return false
			}
			f.MonthMode = "weekday"
		}
	}
	switch {
	case r.count > 0:
		f.Ends, f.Count = "count", strconv.Itoa(r.count)
	case !r.until.IsZero():
		u := r.until
		if !r.untilDate {
			u = u.In(parisLoc())
		}
		f.Ends, f.Until = "until", u.Format(time.DateOnly)
	}
	return true
}

func weekdayCode(d time.Weekday) string {
	for k, v := range weekdayCodes {
		if v == d {
			return k
		}
	}
	return ""
}

// eventCategories are the categories one may choose: the agenda's (the
// list its filter offers, memoized until the next change), and those the
// event has already.
func (a *app) eventCategories(ctx context.Context, has []string) ([]string, error) {
	seq, _, err := a.store.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := a.categories(ctx, state{Seq: seq, Now: a.opts.Now().Truncate(time.Hour)})
	if err != nil {
		return nil, err
	}
	out := slices.Clone(cats)
	for _, c := range has {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// chosenCategories are those of the form's categories one may choose: the
// event's own, and those the agenda knows (checked one by one, not by
// listing them all).
func (a *app) chosenCategories(ctx context.Context, f *form.Event, has []string) ([]string, error) {
	var ask []string
	for _, c := range f.Categories {
		if !slices.Contains(has, c) && len(ask) <= form.MaxEventCategories {
			ask = append(ask, c)
		}
	}
	known, err := a.store.KnownCategories(ctx, ask)
	if err != nil {
		return nil, err
	}
	return append(slices.Clone(has), known...), nil
}

// eventAssociation reads :slug and checks that the user may edit its
// events.
func (a *app) eventAssociation(c echo.Context) (*model.Association, error) {
	as, err := a.store.GetAssociationBySlug(c.Request().Context(), c.Param("slug"))
	if errors.Is(err, db.ErrNotFound) {
		// Same answer as a refusal: the page tells nothing to those who
		// may not see it.
		if can(me(c), actEditEvents, 0) {
			return nil, errEventNotFound
		}
		return nil, errForbidden
	}
	if err != nil {
		return nil, err
	}
	if err := allow(c, actEditEvents, as.ID); err != nil {
		return nil, err
	}
	return as, nil
}

var errEventNotFound = &adminFault{http.StatusNotFound, "admin.event.not_found"}

// associationEvent reads :slug and :uuid: the event, with its text, of a
// calendar of that association.
func (a *app) associationEvent(c echo.Context) (*model.Association, *model.Calendar, *model.Event, error) {
	as, err := a.eventAssociation(c)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx := c.Request().Context()
	e, err := a.store.GetEventByUUID(ctx, c.Param("uuid"))
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil, nil, errEventNotFound
	}
	if err != nil {
		return nil, nil, nil, err
	}
	cal, err := a.store.GetCalendar(ctx, e.CalendarID)
	if err != nil {
		return nil, nil, nil, err
	}
	if cal.Kind != model.CalendarAssociation || cal.AssociationID != as.ID || e.Origin != model.OriginLocal || e.Component != "VEVENT" {
		return nil, nil, nil, errEventNotFound
	}
	if src := cal.ReadOnlySource(); src != "" {
		// The feed is the calendar's source of truth: an edit here would
		// be undone at its next refresh.
		return nil, nil, nil, &adminFaultArgs{http.StatusConflict, "admin.event.read_only", []any{cal.Name, src}}
	}
	return as, cal, e, nil
}

// mainCalendar is the association calendar new events go to: the first
// one that takes events.
func (a *app) mainCalendar(ctx context.Context, as *model.Association) (*model.Calendar, error) {
	cals, err := a.store.ListCalendars(ctx, db.CalendarFilter{Kind: model.CalendarAssociation, AssociationID: as.ID})
	if err != nil {
		return nil, err
	}
	for _, cal := range cals {
		if cal.SupportsComponent("VEVENT") && cal.ReadOnlySource() == "" {
			return cal, nil
		}
	}
	return nil, &adminFault{http.StatusConflict, "admin.event.no_calendar"}
}

// storeEvent parses, expands and writes an object exactly as a CalDAV PUT
// does, under ifMatch ("" with ifNoneMatch for a new object), with the
// poster it links to when one was uploaded.
func (a *app) storeEvent(ctx context.Context, cal *model.Calendar, href, uuid string, data []byte, ifMatch string, poster *model.Image) (*model.Event, error) {
	e, err := ical.CalendarEvent(ctx, data, cal, href, a.opts.Now(), ical.DefaultLimits())
	if err != nil {
		return nil, err
	}
	e.UUID = uuid
	_, err = a.store.PutEvent(ctx, db.Put{Event: e, IfMatch: ifMatch, IfNoneMatch: ifMatch == "", Image: poster})
	return e, err
}

// eventData is the event form page's own data.
type eventData struct {
	Assoc      *model.Association
	Event      *model.Event // nil for a new event
	Action     string
	Categories []string
	Places     []string // the places of the association's events, to choose again
	RuleWords  string   // the rule, in words, when the form cannot express it
	Checked    bool     // the day was checked
	Clashes    []clash
	Weekdays   []string
	Stale      bool // saving was refused: the event changed meanwhile
	PublicPath string
	// Poster is the event's current poster, PosterShown when the page may
	// load it (stored here); MaxPosterMiB bounds an upload.
	Poster      string
	PosterShown bool
	// Carried is the poster a new event's form sends back (hidden).
	Carried, CarriedType string
	MaxPosterMiB         int
}

// Association is the association whose menu the page shows.
func (d eventData) Association() *model.Association { return d.Assoc }

type clash struct {
	Title, When, Where, Assoc, Path string
}

// eventFormPage shows the form; with f.Check and a valid day, with what else
// is on that day in the commune and around it.
func (a *app) eventFormPage(c echo.Context, code int, as *model.Association, e *model.Event, f *form.Event, errs form.Errors, stale bool) error {
	ctx := c.Request().Context()
	lang := langOf(c)
	var has []string
	if e != nil {
		has = e.Categories
	}
	cats, err := a.eventCategories(ctx, has)
	if err != nil {
		return err
	}
	places, err := a.placeChoices(ctx, as)
	if err != nil {
		return err
	}
	d := eventData{Assoc: as, Event: e, Categories: cats, Places: places, Weekdays: []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}, Stale: stale}
	d.Action = "/admin/associations/" + as.Slug + "/events"
	d.MaxPosterMiB = maxPosterBytes >> 20
	if e == nil {
		// A new event: the poster it will carry (a copy's, or one sent
		// before "check the day"), kept in the form's hidden field.
		d.Poster, d.Carried, d.CarriedType = f.Image, f.Image, f.ImageType
	} else {
		d.Poster = e.ImageURL
	}
	d.PosterShown = d.Poster != "" && sameOrigin(d.Poster, a.opts.BaseURL)
	if e != nil {
		d.Action += "/" + e.UUID
		d.PublicPath = model.EventPath(e.UUID)
		if f.Custom {
			start := e.Start
			if !e.AllDay && !e.Floating {
				start = start.In(a.paris)
			}
			d.RuleWords = describeRule(lang, e.RRule, start, a.paris)
			if d.RuleWords == "" {
				d.RuleWords = e.RRule
			}
		}
	}
	if f.Check && !f.Start.IsZero() {
		d.Checked = true
		if d.Clashes, err = a.clashes(ctx, lang, f, e); err != nil {
			return err
		}
	}
	title := "admin.event.new"
	if e != nil {
		title = "admin.event.edit"
	}
	return a.page(c, code, "event_form", title, "events", f, errs, d)
}

// nearbyKm is how far around the event's commune the day is checked.
const nearbyKm = 15

// clashes lists the public occurrences on the event's first day, in its
// commune and the communes around it (the whole agenda when the form
// names no commune), at most 50.
func (a *app) clashes(ctx context.Context, lang string, f *form.Event, self *model.Event) ([]clash, error) {
	day := time.Date(f.Start.Year(), f.Start.Month(), f.Start.Day(), 0, 0, 0, 0, a.paris)
	q := db.InstanceQuery{From: day.UTC(), To: day.AddDate(0, 0, 1).UTC(), Public: true, Limit: 50}
	if com, ok := model.CommuneByName(f.Commune); ok {
		q.Communes = model.CommunesAround(com.INSEE, nearbyKm)
	} else if com, ok := model.FindCommuneIn(f.Location); ok {
		q.Communes = model.CommunesAround(com.INSEE, nearbyKm)
	}
	rows, err := a.store.ListInstances(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []clash
	for _, r := range rows {
		if self != nil && r.Event.ID == self.ID {
			continue
		}
		where := r.Instance.Location
		if where == "" {
			where = r.Event.Location
		}
		out = append(out, clash{Title: r.Event.Summary, When: clock(lang, r.Instance.Start.In(a.paris)), Where: where,
			Assoc: r.AssociationName, Path: model.EventPath(r.Event.UUID)})
	}
	return out, nil
}

// eventsPath is the list of an association's events.
func eventsPath(as *model.Association) string { return "/admin/associations/" + as.Slug + "/events" }

// eventRefusal is the message for a write that the iCalendar rules or the
// store refused (what a CalDAV client would get as a precondition).
func eventRefusal(err error) (form.Msg, bool) {
	var ie *ical.Error
	var ve *model.ValidationError
	var uc *db.UIDConflictError
	switch {
	case errors.As(err, &ie):
		return form.Msg{Key: "admin.event.invalid", Args: []any{ie.Error()}}, true
	case errors.As(err, &ve):
		return form.Msg{Key: "admin.event.invalid", Args: []any{ve.Error()}}, true
	case errors.As(err, &uc):
		return form.Msg{Key: "admin.event.invalid", Args: []any{uc.Error()}}, true
	}
	return form.Msg{}, false
}

// placeChoices are the places the form offers on its place field: the
// association's own places (kept by its owners), then the places of its
// recent events.
func (a *app) placeChoices(ctx context.Context, as *model.Association) ([]string, error) {
	own, err := a.store.ListAssociationPlaces(ctx, as.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range own {
		parts := []string{}
		for _, x := range []string{p.Name, p.Street} {
			if x = strings.TrimSpace(x); x != "" {
				parts = append(parts, x)
			}
		}
		if c, ok := model.CommuneByINSEE(p.CommuneINSEE); ok {
			parts = append(parts, c.Name)
		}
		if l := strings.Join(parts, ", "); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	recent, err := a.store.AssociationLocations(ctx, as.ID, 30)
	if err != nil {
		return nil, err
	}
	for _, l := range recent {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out, nil
}
