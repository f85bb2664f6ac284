package web

import (
	"context"
	"html"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

const (
	agendaPageSize  = 50
	monthCellItems  = 4
	weekDayItems    = 30
	defaultListSpan = 366 * 24 * time.Hour
)

type viewTab struct {
	Key     string
	Href    string
	Current bool
}

type monthCell struct {
	Day      int
	Weekday  string
	ISO      string
	InMonth  bool
	Today    bool
	Items    []item
	More     int
	MoreHref string
}

type weekdayHead struct{ Short, Long string }

type agendaPage struct {
	base
	F         filter
	Assocs    template.HTML
	Cats      template.HTML
	Communes  template.HTML
	Views     []viewTab
	Days      []dayGroup
	Weeks     [][]monthCell
	Heads     []weekdayHead
	Period    string
	PrevHref  string
	NextHref  string
	PrevKey   string
	NextKey   string
	NextPage  string
	FirstPage string
	Sub       subscribe
	Filtered  bool
	// Propose links to the proposal form when the instance opens it.
	Propose     bool
	Shown       string // the filters in words, under the heading
	ResetHref   string
	Empty       bool
	EmptyMonth  bool
	DayTemplate bool
}

// agendaShow renders the common agenda: list, month or week view of the
// upcoming public events, with every filter in the URL.
func (a *app) agendaShow(c echo.Context) error {
	f, err := parseFilter(c.QueryParams(), a.paris)
	if err != nil {
		return err
	}
	pv := f.pageValues()
	if f.After != "" {
		pv.Set(paramAfter, f.After)
	}
	return a.respond(c, "/?"+pv.Encode(), "no-cache", func(ctx context.Context, st state) (*cached, error) {
		p, err := a.agendaPage(ctx, c, st, f)
		if err != nil {
			return nil, err
		}
		body, err := a.render("agenda", p)
		if err != nil {
			return nil, err
		}
		return htmlEntry(body), nil
	})
}

func (a *app) agendaPage(ctx context.Context, c echo.Context, st state, f filter) (*agendaPage, error) {
	lang := st.Lang
	pv := f.pageValues()
	if f.After != "" {
		pv.Set(paramAfter, f.After)
	}
	p := &agendaPage{base: a.baseFor(c, tr(lang, "agenda.title"), "/", pv), F: f}
	p.Description = tr(lang, "agenda.intro")
	if st.Site.OwnDescription {
		p.Description = st.Site.Description
	}
	p.Sub = a.subscribeLinks(f.values())
	p.Alternates = []link{
		{Href: p.Sub.RSS, Type: "application/rss+xml", Title: tr(lang, "sub.rss")},
		{Href: p.Sub.Atom, Type: "application/atom+xml", Title: tr(lang, "sub.atom")},
		{Href: p.Sub.ICS, Type: "text/calendar", Title: tr(lang, "sub.ics")},
	}
	p.Filtered = !f.isZero()
	open, err := a.store.ProposalsOpen(ctx)
	if err != nil {
		return nil, err
	}
	p.Propose = open
	rv := url.Values{}
	if f.View != "list" {
		rv.Set(paramView, f.View)
	}
	p.ResetHref = withQuery("/", rv)
	if err := a.fillChoices(ctx, st, p); err != nil {
		return nil, err
	}
	for _, v := range []string{"list", "month", "week"} {
		vv := f.values()
		if v != "list" {
			vv.Set(paramView, v)
		}
		p.Views = append(p.Views, viewTab{Key: "view." + v, Href: withQuery("/", vv), Current: f.View == v})
	}
	res, err := a.resolve(f)
	if err != nil {
		return nil, err
	}
	if t := filterTitle(lang, f, res); t != "" {
		// A shared, bookmarked or printed page says what it shows (the
		// form is hidden on paper).
		p.Title += " — " + t
		p.Shown = t
	}
	today := st.Now.In(a.paris).Format("2006-01-02")
	switch f.View {
	case "month":
		err = a.fillMonth(ctx, st, f, res, p, today)
	case "week":
		err = a.fillWeek(ctx, st, f, res, p, today)
	default:
		err = a.fillList(ctx, st, f, res, p, today)
	}
	return p, err
}

// fillChoices writes the <option> lists of the filter form. They are
// built here rather than in the template because the commune list alone is
// 319 options on every page; every value and label goes through
// html.EscapeString, which escapes the five characters that matter in
// element content and quoted attributes.
func (a *app) fillChoices(ctx context.Context, st state, p *agendaPage) error {
	f := p.F
	assocs, err := a.associations()
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, as := range assocs {
		writeOption(&b, as.Slug, as.Name, contains(f.Associations, as.Slug))
	}
	p.Assocs = template.HTML(b.String()) //nolint:gosec // escaped by writeOption
	cats, err := a.categories(ctx, st)
	if err != nil {
		return err
	}
	b.Reset()
	for _, cat := range cats {
		writeOption(&b, cat, cat, contains(f.Categories, cat))
	}
	for _, cat := range f.Categories {
		if !contains(cats, cat) {
			writeOption(&b, cat, cat, true)
		}
	}
	p.Cats = template.HTML(b.String()) //nolint:gosec // escaped by writeOption
	b.Reset()
	b.Grow(319 * 48)
	for _, com := range model.Communes() {
		writeOption(&b, com.INSEE, com.Name, contains(f.Communes, com.INSEE))
	}
	p.Communes = template.HTML(b.String()) //nolint:gosec // escaped by writeOption
	return nil
}

func writeOption(b *strings.Builder, value, label string, selected bool) {
	b.WriteString(`<option value="`)
	b.WriteString(html.EscapeString(value))
	b.WriteString(`"`)
	if selected {
		b.WriteString(" selected")
	}
	b.WriteString(">")
	b.WriteString(html.EscapeString(label))
	b.WriteString("</option>\n")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *app) fillList(ctx context.Context, st state, f filter, res resolved, p *agendaPage, today string) error {
	from, to := a.rangeOf(f, st.Now, defaultListSpan)
	q := res.q
	q.From, q.To, q.Limit = from, to, agendaPageSize
	if f.After != "" {
		q.After, _ = db.ParseInstanceCursor(f.After)
	}
	rows, err := a.store.ListInstances(ctx, q)
	if err != nil {
		return err
	}
	items := make([]item, 0, len(rows))
	for _, r := range rows {
		items = append(items, a.itemOf(st.Lang, r, from))
	}
	p.Days = a.groupByDay(st.Lang, items, today)
	p.Empty = len(items) == 0
	if len(rows) == agendaPageSize {
		last := rows[len(rows)-1]
		v := f.pageValues()
		v.Set(paramAfter, db.InstanceCursor{Start: last.Instance.Start, EventID: last.Event.ID}.String())
		p.NextPage = withQuery("/", v)
	}
	if f.After != "" {
		p.FirstPage = withQuery("/", f.pageValues())
	}
	return nil
}

func (a *app) periodHref(f filter, key, value string) string {
	v := f.values()
	v.Set(paramView, f.View)
	v.Set(key, value)
	return withQuery("/", v)
}

// mondayOf returns the Monday (midnight, Paris) of t's week.
func (a *app) mondayOf(t time.Time) time.Time {
	t = t.In(a.paris)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, a.paris)
	off := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -off)
}

func (a *app) fillMonth(ctx context.Context, st state, f filter, res resolved, p *agendaPage, today string) error {
	lang := st.Lang
	ref := st.Now.In(a.paris)
	if d, ok := parseDay(f.From, a.paris); ok {
		ref = d
	}
	if f.Month != "" {
		ref, _ = time.ParseInLocation("2006-01", f.Month, a.paris)
	}
	first := time.Date(ref.Year(), ref.Month(), 1, 0, 0, 0, 0, a.paris)
	gridStart := a.mondayOf(first)
	next := first.AddDate(0, 1, 0)
	gridEnd := a.mondayOf(next.AddDate(0, 0, -1)).AddDate(0, 0, 7)
	p.Period = monthYear(lang, first)
	p.PrevHref = a.periodHref(f, paramMonth, first.AddDate(0, -1, 0).Format("2006-01"))
	p.NextHref = a.periodHref(f, paramMonth, next.Format("2006-01"))
	p.PrevKey, p.NextKey = "agenda.prev_month", "agenda.next_month"
	p.Heads = weekHeads(lang)
	rows, days, counts, err := a.byDay(ctx, res.q, gridStart, gridEnd, monthCellItems)
	if err != nil {
		return err
	}
	byDay := map[string][]item{}
	own := map[string]int{} // occurrences shown on the day they start
	more := map[string]int{}
	for k, r := range rows {
		key := days[k].Format("2006-01-02")
		x := a.itemOf(lang, r, gridStart)
		byDay[key] = append(byDay[key], x)
		own[key]++
		// A festival of several days shows on each, where there is room.
		for _, day := range a.laterDays(r, key, gridEnd) {
			if len(byDay[day]) < monthCellItems {
				byDay[day] = append(byDay[day], x)
			}
		}
	}
	for i, n := range counts {
		k := gridStart.AddDate(0, 0, i).Format("2006-01-02")
		if n > own[k] {
			more[k] = n - own[k]
		}
	}
	p.Empty = len(rows) == 0
	for d := gridStart; d.Before(gridEnd); d = d.AddDate(0, 0, 7) {
		var week []monthCell
		for i := 0; i < 7; i++ {
			day := d.AddDate(0, 0, i)
			iso := day.Format("2006-01-02")
			cell := monthCell{Day: day.Day(), Weekday: weekdayName(lang, day.Weekday()), ISO: iso, InMonth: day.Month() == first.Month(), Today: iso == today}
			cell.Items = byDay[iso]
			if n := more[iso]; n > 0 {
				cell.More, cell.MoreHref = n, a.dayHref(f, iso)
			}
			week = append(week, cell)
		}
		p.Weeks = append(p.Weeks, week)
	}
	// Phones show only the month's days that have events: say so when
	// there are none, rather than an empty page.
	p.EmptyMonth = true
	for _, w := range p.Weeks {
		for _, cell := range w {
			if cell.InMonth && (len(cell.Items) > 0 || cell.More > 0) {
				p.EmptyMonth = false
			}
		}
	}
	return nil
}

// byDay reads the first perDay occurrences of each day from start to
// end (Paris midnights) and how many each day has, and returns the day
// (midnight, UTC) of each row.
func (a *app) byDay(ctx context.Context, q db.InstanceQuery, start, end time.Time, perDay int) ([]db.InstanceRow, []time.Time, []int, error) {
	var d db.Days
	var days []time.Time
	for t := start; !t.After(end); t = t.AddDate(0, 0, 1) {
		d.Timed = append(d.Timed, t)
		d.Wall = append(d.Wall, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
	}
	rows, idx, counts, err := a.store.ListInstancesByDay(ctx, q, d, perDay)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, i := range idx {
		days = append(days, d.Wall[i])
	}
	// counts is indexed by day from start; the callers index by date.
	return rows, days, counts, nil
}

// dayHref is the list of one day, with the page's other filters.
func (a *app) dayHref(f filter, iso string) string {
	v := f.values()
	v.Set(paramFrom, iso)
	v.Set(paramTo, iso)
	return withQuery("/", v)
}

// laterDays lists the days after first (YYYY-MM-DD, before end) that an
// occurrence also covers, for the views that show days side by side: every
// day of an all-day event of several days, and of a timed one of 24 hours
// or more. A soirée that ends at 1 h stays on its evening.
func (a *app) laterDays(r db.InstanceRow, first string, end time.Time) []string {
	in := r.Instance
	var last time.Time
	switch {
	case r.Event.AllDay:
		last = in.End.UTC().AddDate(0, 0, -1)
	case in.End.Sub(in.Start) >= 24*time.Hour:
		t := in.End.Add(-time.Second)
		if !r.Event.Floating {
			t = t.In(a.paris)
		} else {
			t = t.UTC()
		}
		last = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	default:
		return nil
	}
	d, ok := parseDay(first, time.UTC)
	if !ok {
		return nil
	}
	stop := end.In(a.paris).Format("2006-01-02")
	var out []string
	for i := 0; i < 62; i++ {
		d = d.AddDate(0, 0, 1)
		iso := d.Format("2006-01-02")
		if d.After(last) || iso >= stop {
			break
		}
		out = append(out, iso)
	}
	return out
}

func weekHeads(lang string) []weekdayHead {
	var out []weekdayHead
	for _, d := range []time.Weekday{1, 2, 3, 4, 5, 6, 0} {
		long := weekdayName(lang, d)
		out = append(out, weekdayHead{Short: string([]rune(long)[:3]), Long: long})
	}
	return out
}

func (a *app) fillWeek(ctx context.Context, st state, f filter, res resolved, p *agendaPage, today string) error {
	lang := st.Lang
	ref := st.Now
	if d, ok := parseDay(f.From, a.paris); ok {
		ref = d
	}
	if d, ok := parseDay(f.Week, a.paris); ok {
		ref = d
	}
	monday := a.mondayOf(ref)
	end := monday.AddDate(0, 0, 7)
	p.Period = tr(lang, "agenda.week_of", dayMonth(lang, monday, true))
	p.PrevHref = a.periodHref(f, paramWeek, monday.AddDate(0, 0, -7).Format("2006-01-02"))
	p.NextHref = a.periodHref(f, paramWeek, end.Format("2006-01-02"))
	p.PrevKey, p.NextKey = "agenda.prev_week", "agenda.next_week"
	rows, days, counts, err := a.byDay(ctx, res.q, monday, end, weekDayItems)
	if err != nil {
		return err
	}
	items := make([]item, 0, len(rows))
	for k, r := range rows {
		it := a.itemOf(lang, r, monday)
		it.dayKey = days[k].Format("2006-01-02")
		items = append(items, it)
		// A festival over the weekend is on Saturday and on Sunday.
		for _, day := range a.laterDays(r, it.dayKey, end) {
			it.dayKey, it.spilled = day, true
			items = append(items, it)
		}
	}
	groups := a.groupByDay(lang, items, today)
	byISO := map[string]dayGroup{}
	for _, g := range groups {
		byISO[g.ISO] = g
	}
	p.Empty = len(items) == 0
	for i := 0; i < 7; i++ {
		d := monday.AddDate(0, 0, i)
		iso := d.Format("2006-01-02")
		g, ok := byISO[iso]
		if !ok {
			g = dayGroup{Label: longDate(lang, d), ISO: iso, Today: iso == today}
		}
		own := 0
		for _, it := range g.Items {
			if it.dayKey == iso && !it.spilled {
				own++
			}
		}
		if n := counts[i] - own; n > 0 {
			// More than a day shows: how many, and the list of that day.
			g.More, g.MoreHref = n, a.dayHref(f, iso)
		}
		p.Days = append(p.Days, g)
	}
	p.DayTemplate = true
	return nil
}

// filterTitle names the filters of a page: associations, communes,
// categories, dates written out ("du 1er au 24 décembre 2026") and the
// searched words, whose closing quote is never cut off.
func filterTitle(lang string, f filter, res resolved) string {
	var parts []string
	for _, as := range res.Assocs {
		parts = append(parts, as.Name)
	}
	for _, c := range f.Communes {
		if n := communeName(c); n != "" {
			parts = append(parts, n)
		}
	}
	parts = append(parts, f.Categories...)
	if d := dateRangeWords(lang, f.From, f.To); d != "" {
		parts = append(parts, d)
	}
	s := excerpt(strings.Join(parts, ", "), 100)
	if f.Text != "" {
		q := tr(lang, "agenda.search_for", excerpt(f.Text, 60))
		if s != "" {
			s += ", "
		}
		s += q
	}
	return s
}

// dateRangeWords writes a from/to filter (YYYY-MM-DD, already checked) in
// words.
func dateRangeWords(lang, from, to string) string {
	f, okF := parseDay(from, time.UTC)
	t, okT := parseDay(to, time.UTC)
	switch {
	case okF && okT:
		if f.Equal(t) {
			return longDate(lang, f)
		}
		return tr(lang, "agenda.range", dayMonth(lang, f, f.Year() != t.Year()), dayMonth(lang, t, true))
	case okF:
		return tr(lang, "agenda.range_from", dayMonth(lang, f, true))
	case okT:
		return tr(lang, "agenda.range_to", dayMonth(lang, t, true))
	}
	return ""
}
