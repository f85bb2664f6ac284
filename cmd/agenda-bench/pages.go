package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris even without zoneinfo

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// pageType is one kind of public answer: a URL for each distinct,
// uncached request, and one known URL (repeated for the cached figure)
// whose answer must name an expected event.
type pageType struct {
	name string
	// kind says what the answer is: html, json, ics, rss, atom.
	kind string
	// distinct returns the i-th URL of this type (0 <= i < n), none asked
	// twice: the page cache cannot answer them.
	distinct func(i int) string
	n        int
	// known is the cached URL; its answer must contain every want.
	known string
	want  []string
}

// fixtures is what the benchmark knows of the data set, read from the
// store before the server starts: the values its URLs vary over and the
// expected answers of the known URLs.
type fixtures struct {
	paris      *time.Location
	now        time.Time // the hour the expectations were computed in
	days       []string  // the next 365 days, YYYY-MM-DD, from tomorrow
	months     []string  // this month and the next 11, YYYY-MM
	mondays    []string  // the next 52 Mondays
	slugs      []string
	assocIDs   map[string]int64
	communes   []string // INSEE codes
	categories []string
	words      []string // search words
	rows       []db.InstanceRow
	singles    []*model.Event // upcoming, confirmed, not recurring
	series     []*model.Event // upcoming, recurring
	events     []*model.Event // every distinct event of rows
}

// readFixtures samples the data set: a page of occurrences every few days
// over the coming year.
func readFixtures(ctx context.Context, store *db.Store, now time.Time) (*fixtures, error) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, err
	}
	fx := &fixtures{paris: paris, now: now.Truncate(time.Hour), assocIDs: map[string]int64{}}
	today := time.Date(now.In(paris).Year(), now.In(paris).Month(), now.In(paris).Day(), 0, 0, 0, 0, paris)
	for i := 1; i <= 365; i++ {
		d := today.AddDate(0, 0, i)
		fx.days = append(fx.days, d.Format(time.DateOnly))
		if d.Weekday() == time.Monday && len(fx.mondays) < 52 {
			fx.mondays = append(fx.mondays, d.Format(time.DateOnly))
		}
	}
	for i := 0; i < 12; i++ {
		fx.months = append(fx.months, time.Date(today.Year(), today.Month()+time.Month(i), 1, 0, 0, 0, 0, paris).Format("2006-01"))
	}
	as, err := store.ListAssociations(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		fx.slugs = append(fx.slugs, a.Slug)
		fx.assocIDs[a.Slug] = a.ID
	}
	for _, c := range model.Communes() {
		fx.communes = append(fx.communes, c.INSEE)
	}
	if fx.categories, err = store.PublicCategories(ctx, now, 0); err != nil {
		return nil, err
	}
	seenWord := map[string]bool{}
	addWord := func(w string) {
		w = strings.ToLower(strings.Trim(w, "'’-,.()"))
		if len([]rune(w)) >= 3 && !seenWord[w] {
			seenWord[w] = true
			fx.words = append(fx.words, w)
		}
	}
	seen := map[int64]bool{}
	for i := 0; i < len(fx.days); i += 3 {
		from, _ := time.ParseInLocation(time.DateOnly, fx.days[i], paris)
		rows, err := store.ListInstances(ctx, db.InstanceQuery{Public: true, From: from, To: from.AddDate(0, 0, 1), Limit: 200})
		if err != nil {
			return nil, err
		}
		fx.rows = append(fx.rows, rows...)
		for _, r := range rows {
			e := r.Event
			if seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			fx.events = append(fx.events, e)
			switch {
			case e.Recurring:
				fx.series = append(fx.series, e)
			case e.Status != "CANCELLED" && r.Instance.Status != "CANCELLED":
				fx.singles = append(fx.singles, e)
			}
			for _, w := range strings.Fields(e.Summary) {
				addWord(w)
			}
		}
	}
	for _, c := range fx.categories {
		addWord(c)
	}
	for _, c := range model.Communes() {
		addWord(c.Name)
	}
	switch {
	case len(fx.singles) == 0 || len(fx.series) == 0:
		return nil, fmt.Errorf("the data set has %d upcoming single events and %d series: both are needed", len(fx.singles), len(fx.series))
	case len(fx.slugs) == 0 || len(fx.categories) == 0:
		return nil, fmt.Errorf("the data set has %d associations and %d categories", len(fx.slugs), len(fx.categories))
	}
	return fx, nil
}

// first is the first occurrence the store gives for q as the web asks it
// (public, cancelled ones shown).
func first(ctx context.Context, store *db.Store, q db.InstanceQuery) (*db.InstanceRow, error) {
	q.Public, q.IncludeCancelled, q.Limit = true, true, 1
	rows, err := store.ListInstances(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no occurrence for %+v", q)
	}
	return &rows[0], nil
}

// mention is what an answer of kind names an event by.
func mention(kind string, e *model.Event) string {
	if kind == "ics" {
		return "UID:" + e.UID
	}
	return model.EventPath(e.UUID)
}

// day parses a YYYY-MM-DD day in Paris.
func (fx *fixtures) day(s string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, s, fx.paris)
	return t
}

// langs doubles a small set of URLs: the page cache keeps each language
// apart, and the French and English pages cost the same.
func langs(u string, i int) string {
	if i%2 == 0 {
		return u
	}
	if strings.Contains(u, "?") {
		return u + "&lang=en"
	}
	return u + "?lang=en"
}

// mondayOf is the Monday that starts d's week: the month grid starts and
// ends on whole weeks.
func mondayOf(d time.Time) time.Time {
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func enc(v string) string { return url.QueryEscape(v) }

// pageTypes lists every public answer measured, with its known URL and
// the expected event computed from the store.
func pageTypes(ctx context.Context, store *db.Store, fx *fixtures) ([]*pageType, error) {
	var out []*pageType
	var err error
	add := func(name, kind string, n int, distinct func(int) string, known string, q *db.InstanceQuery, more ...string) {
		if err != nil {
			return
		}
		pt := &pageType{name: name, kind: kind, n: n, distinct: distinct, known: known, want: more}
		if q != nil {
			var r *db.InstanceRow
			if r, err = first(ctx, store, *q); err != nil {
				err = fmt.Errorf("%s: %w", name, err)
				return
			}
			pt.want = append(pt.want, mention(kind, r.Event))
		}
		out = append(out, pt)
	}
	nd, nc, nw := len(fx.days), len(fx.categories), len(fx.words)
	span := 366 * 24 * time.Hour
	upcoming := func(from time.Time) *db.InstanceQuery { return &db.InstanceQuery{From: from, To: from.Add(span)} }
	d0 := fx.days[10]
	from0 := fx.day(d0)

	// The agenda's pages.
	add("agenda list", "html", nd, func(i int) string { return "/?from=" + fx.days[i] }, "/?from="+d0, upcoming(from0))
	m0 := fx.months[1]
	ms, _ := time.ParseInLocation("2006-01", m0, fx.paris)
	add("month", "html", 2*len(fx.months), func(i int) string { return langs("/?view=month&month="+fx.months[i/2], i) },
		"/?view=month&month="+m0, &db.InstanceQuery{From: mondayOf(ms), To: mondayOf(ms.AddDate(0, 1, -1)).AddDate(0, 0, 7)})
	w0 := fx.mondays[2]
	add("week", "html", 2*len(fx.mondays), func(i int) string { return langs("/?view=week&week="+fx.mondays[i/2], i) },
		"/?view=week&week="+w0, &db.InstanceQuery{From: fx.day(w0), To: fx.day(w0).AddDate(0, 0, 7)})
	ev := fx.singles[0]
	add("event page", "html", len(fx.singles), func(i int) string { return model.EventPath(fx.singles[i].UUID) },
		model.EventPath(ev.UUID), nil, model.EventICSPath(ev.UUID))
	se := fx.series[0]
	add("series page", "html", len(fx.series), func(i int) string { return model.EventPath(fx.series[i].UUID) },
		model.EventPath(se.UUID), nil, model.EventICSPath(se.UUID))
	slug := fx.slugs[0]
	aq := func(from time.Time) *db.InstanceQuery {
		q := upcoming(from)
		q.AssociationIDs = []int64{fx.assocIDs[slug]}
		return q
	}
	add("association page", "html", len(fx.slugs), func(i int) string { return model.AssociationPath(fx.slugs[i]) },
		model.AssociationPath(slug), aq(fx.now), "association="+slug)
	com := "47001" // Agen, the largest commune
	cq := upcoming(fx.now)
	cq.Communes = []string{com}
	add("commune", "html", 2*len(fx.communes), func(i int) string { return langs("/?commune="+fx.communes[i/2], i) },
		"/?commune="+com, cq)
	cat := fx.categories[0]
	kq := upcoming(from0)
	kq.Categories = []string{cat}
	add("category", "html", nc*nd, func(i int) string { return "/?category=" + enc(fx.categories[i%nc]) + "&from=" + fx.days[i/nc] },
		"/?category="+enc(cat)+"&from="+d0, kq)
	// the known search: a word of an event's title, its commune and day
	word := strings.ToLower(strings.Fields(ev.Summary)[0])
	evDay := ev.Start.In(fx.paris).Format(time.DateOnly)
	add("search q=", "html", 2*nw, func(i int) string { return langs("/?q="+enc(fx.words[i/2]), i) },
		"/?q="+enc(word)+"&commune="+ev.CommuneINSEE+"&from="+evDay+"&to="+evDay, nil, model.EventPath(ev.UUID))
	rq := &db.InstanceQuery{From: from0, To: from0.AddDate(0, 0, 7)}
	add("date range", "html", nd-7, func(i int) string { return "/?from=" + fx.days[i] + "&to=" + fx.days[i+6] },
		"/?from="+d0+"&to="+fx.days[16], rq)
	cc := upcoming(fx.now)
	cc.Communes, cc.Categories = []string{com}, []string{cat}
	add("commune + category + q", "html", len(fx.communes)*nc, func(i int) string {
		return "/?commune=" + fx.communes[i%len(fx.communes)] + "&category=" + enc(fx.categories[i/len(fx.communes)%nc]) + "&q=" + enc(fx.words[i%nw])
	}, "/?commune="+com+"&category="+enc(cat), cc)
	deep := fx.rows[len(fx.rows)/2]
	cur := db.InstanceCursor{Start: deep.Instance.Start, EventID: deep.Event.ID}
	dq := upcoming(fx.now)
	dq.After = &cur
	add("deep page (after=)", "html", len(fx.rows), func(i int) string {
		r := fx.rows[(i*7919)%len(fx.rows)]
		return "/?after=" + db.InstanceCursor{Start: r.Instance.Start, EventID: r.Event.ID}.String()
	}, "/?after="+cur.String(), dq)
	add("widget", "html", len(fx.slugs), func(i int) string { return "/embed?association=" + fx.slugs[i] },
		"/embed?association="+slug+"&from="+d0, aq(from0))

	// The JSON API, with each filter.
	api := "/api/events"
	add("api", "json", nd, func(i int) string { return api + "?from=" + fx.days[i] }, api+"?from="+d0, upcoming(from0))
	add("api q=", "json", nw, func(i int) string { return api + "?q=" + enc(fx.words[i]) },
		api+"?q="+enc(word)+"&commune="+ev.CommuneINSEE+"&from="+evDay+"&to="+evDay, nil, model.EventPath(ev.UUID))
	add("api commune", "json", len(fx.communes), func(i int) string { return api + "?commune=" + fx.communes[i] }, api+"?commune="+com, cq)
	add("api category", "json", nc*nd, func(i int) string { return api + "?category=" + enc(fx.categories[i%nc]) + "&from=" + fx.days[i/nc] },
		api+"?category="+enc(cat)+"&from="+d0, kq)
	add("api association", "json", len(fx.slugs), func(i int) string { return api + "?association=" + fx.slugs[i] },
		api+"?association="+slug+"&from="+d0, aq(from0))
	add("api date range", "json", nd-7, func(i int) string { return api + "?from=" + fx.days[i] + "&to=" + fx.days[i+6] },
		api+"?from="+d0+"&to="+fx.days[16], rq)

	// The feeds, without and with filters, and an association's.
	for _, f := range []struct{ ext, kind string }{{"ics", "ics"}, {"rss", "rss"}, {"atom", "atom"}} {
		p := "/feeds/agenda." + f.ext
		add("feed "+f.ext, f.kind, nd, func(i int) string { return p + "?from=" + fx.days[i] }, p+"?from="+d0, upcoming(from0))
		add("feed "+f.ext+" commune", f.kind, len(fx.communes), func(i int) string { return p + "?commune=" + fx.communes[i] },
			p+"?commune="+com+"&from="+d0, func() *db.InstanceQuery { q := upcoming(from0); q.Communes = []string{com}; return q }())
		add("feed "+f.ext+" association", f.kind, len(fx.slugs), func(i int) string { return p + "?association=" + fx.slugs[i] },
			p+"?association="+slug+"&from="+d0, aq(from0))
	}
	return out, err
}

// checkAnswer says what is wrong with an answer of a page of kind ("" when
// it is right): status 200, a body of the right format.
func checkAnswer(kind string, r *reply) string {
	if r.status != 200 {
		return fmt.Sprintf("status %d", r.status)
	}
	if len(r.body) == 0 {
		return "empty body"
	}
	var marker string
	switch kind {
	case "html":
		marker = "<html"
	case "ics":
		marker = "BEGIN:VCALENDAR"
	case "rss":
		marker = "<rss"
	case "atom":
		marker = "<feed"
	case "json":
		if !json.Valid(r.body) {
			return "invalid JSON"
		}
		return ""
	case "text":
		return ""
	}
	if !bytes.Contains(r.body, []byte(marker)) {
		return fmt.Sprintf("no %s in a %s answer (%s)", marker, kind, r.ctype)
	}
	return ""
}
