package web

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// Query parameters shared by the agenda, the feeds, the JSON API and the
// widget: every filter lives in the URL.
const (
	paramAssociation = "association"
	paramCategory    = "category"
	paramCommune     = "commune"
	paramFrom        = "from"
	paramTo          = "to"
	paramText        = "q"
	paramView        = "view"
	paramMonth       = "month"
	paramWeek        = "week"
	paramAfter       = "after"
)

// Bounds on what a URL may ask for.
const (
	maxFilterValues = 20
	maxTextLen      = 200
	maxRange        = 2 * 366 * 24 * time.Hour
)

// filter is what a request asks to see.
type filter struct {
	Associations []string // slugs
	Categories   []string
	Communes     []string // INSEE codes
	From, To     string   // YYYY-MM-DD, Paris days, "" when unset
	Text         string
	View         string // list, month, week
	Month        string // YYYY-MM
	Week         string // YYYY-MM-DD, any day of the week
	After        string // page cursor
}

// badRequest is an error a person can fix by changing the URL; its message
// key and argument are shown on the 400 page. Max is the upper bound of a
// number parameter (error.bad_limit).
type badRequest struct {
	Key, Arg string
	Max      int
}

func (e *badRequest) Error() string { return "web: bad request: " + e.Key + " " + e.Arg }

func cleanList(vals []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" || seen[p] || len(p) > 100 {
				continue
			}
			seen[p] = true
			out = append(out, p)
			if len(out) == maxFilterValues {
				return out
			}
		}
	}
	sort.Strings(out)
	return out
}

func parseDay(s string, loc *time.Location) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	return t, err == nil
}

// parseFilter reads the filter parameters; malformed dates and cursors are
// a badRequest, unknown names simply match nothing.
func parseFilter(q url.Values, loc *time.Location) (filter, error) {
	f := filter{
		Associations: cleanList(q[paramAssociation]),
		Categories:   cleanList(q[paramCategory]),
		Text:         strings.TrimSpace(q.Get(paramText)),
		View:         q.Get(paramView),
	}
	if len([]rune(f.Text)) > maxTextLen {
		f.Text = string([]rune(f.Text)[:maxTextLen])
	}
	for _, c := range cleanList(q[paramCommune]) {
		if com, ok := model.CommuneByINSEE(c); ok {
			f.Communes = append(f.Communes, com.INSEE)
		} else if com, ok := model.CommuneByName(c); ok {
			f.Communes = append(f.Communes, com.INSEE)
		} else {
			f.Communes = append(f.Communes, "00000") // matches no event
		}
	}
	f.Communes = cleanList(f.Communes)
	for _, p := range []struct {
		name string
		dst  *string
	}{{paramFrom, &f.From}, {paramTo, &f.To}, {paramWeek, &f.Week}} {
		if v := strings.TrimSpace(q.Get(p.name)); v != "" {
			if _, ok := parseDay(v, loc); !ok {
				return f, &badRequest{Key: "error.bad_date", Arg: v}
			}
			*p.dst = v
		}
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		return f, &badRequest{Key: "error.bad_range", Arg: f.From + " > " + f.To}
	}
	if v := strings.TrimSpace(q.Get(paramMonth)); v != "" {
		if _, err := time.ParseInLocation("2006-01", v, loc); err != nil {
			return f, &badRequest{Key: "error.bad_month", Arg: v}
		}
		f.Month = v
	}
	switch f.View {
	case "", "list":
		f.View = "list"
	case "month", "week":
	default:
		return f, &badRequest{Key: "error.bad_view", Arg: f.View}
	}
	if v := q.Get(paramAfter); v != "" {
		if _, err := db.ParseInstanceCursor(v); err != nil {
			return f, &badRequest{Key: "error.bad_cursor", Arg: v}
		}
		f.After = v
	}
	return f, nil
}

// values returns the filters only (what feeds and the widget take),
// canonical: sorted, cleaned.
func (f filter) values() url.Values {
	v := url.Values{}
	for _, x := range f.Associations {
		v.Add(paramAssociation, x)
	}
	for _, x := range f.Categories {
		v.Add(paramCategory, x)
	}
	for _, x := range f.Communes {
		v.Add(paramCommune, x)
	}
	if f.From != "" {
		v.Set(paramFrom, f.From)
	}
	if f.To != "" {
		v.Set(paramTo, f.To)
	}
	if f.Text != "" {
		v.Set(paramText, f.Text)
	}
	return v
}

// pageValues adds the view and its position.
func (f filter) pageValues() url.Values {
	v := f.values()
	if f.View != "list" {
		v.Set(paramView, f.View)
	}
	if f.Month != "" && f.View == "month" {
		v.Set(paramMonth, f.Month)
	}
	if f.Week != "" && f.View == "week" {
		v.Set(paramWeek, f.Week)
	}
	return v
}

// isZero reports whether no filter is set.
func (f filter) isZero() bool { return len(f.values()) == 0 }

// withQuery appends encoded values to a path.
func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// resolved is a filter turned into a store query (without range and paging).
type resolved struct {
	q db.InstanceQuery
	// Assocs are the associations named by the filter, found.
	Assocs []*model.Association
}

// resolve looks up association slugs; an unknown one matches nothing.
func (a *app) resolve(f filter) (resolved, error) {
	r := resolved{q: db.InstanceQuery{Public: true, IncludeCancelled: true, Categories: f.Categories,
		Communes: f.Communes, Text: f.Text}}
	if len(f.Associations) > 0 {
		all, err := a.associations()
		if err != nil {
			return r, err
		}
		for _, slug := range f.Associations {
			for _, as := range all {
				if as.Slug == slug {
					r.q.AssociationIDs = append(r.q.AssociationIDs, as.ID)
					r.Assocs = append(r.Assocs, as)
				}
			}
		}
		if len(r.q.AssociationIDs) == 0 {
			r.q.AssociationIDs = []int64{-1}
		}
	}
	return r, nil
}

// rangeOf returns the bounds of the filter's date range: from its days when
// set, otherwise [defFrom, defFrom+defLen). The end is capped to maxRange.
func (a *app) rangeOf(f filter, defFrom time.Time, defLen time.Duration) (time.Time, time.Time) {
	from := defFrom
	if d, ok := parseDay(f.From, a.paris); ok {
		from = d
	}
	to := from.Add(defLen)
	if d, ok := parseDay(f.To, a.paris); ok {
		to = d.AddDate(0, 0, 1)
	}
	if to.Sub(from) > maxRange {
		to = from.Add(maxRange)
	}
	if !to.After(from) {
		to = from.Add(24 * time.Hour)
	}
	return from, to
}

func itoa(n int) string { return strconv.Itoa(n) }
