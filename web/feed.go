package web

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/bastide47/bastide/db"
)

const (
	feedDefaultItems = 100
	icsPastDays      = 30
)

// feedParams are the filters of a feed plus its page.
type feedParams struct {
	f     filter
	limit int
	after *db.InstanceCursor
}

func (a *app) parseFeedParams(q url.Values) (feedParams, error) {
	f, err := parseFilter(q, a.paris)
	if err != nil {
		return feedParams{}, err
	}
	p := feedParams{f: f, limit: min(feedDefaultItems, a.opts.MaxFeedEvents)}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > a.opts.MaxFeedEvents {
			return p, &badRequest{Key: "error.bad_limit", Arg: v, Max: a.opts.MaxFeedEvents}
		}
		p.limit = n
	}
	if f.After != "" {
		p.after, _ = db.ParseInstanceCursor(f.After)
	}
	return p, nil
}

// key is the canonical form of the parameters, for the cache.
func (p feedParams) key() string {
	v := p.f.values()
	v.Set("limit", strconv.Itoa(p.limit))
	if p.f.After != "" {
		v.Set(paramAfter, p.f.After)
	}
	return v.Encode()
}

// selfURL is the canonical address of a feed page: its filters, limit and
// cursor, without stray parameters. The cached body is shared by every
// spelling of the same query, so it must not echo the raw one (an Atom
// feed's id must also stay the same whatever order the parameters came in).
func (a *app) selfURL(path string, p feedParams) string {
	v := p.f.values()
	if p.limit != min(feedDefaultItems, a.opts.MaxFeedEvents) {
		v.Set("limit", strconv.Itoa(p.limit))
	}
	if p.f.After != "" {
		v.Set(paramAfter, p.f.After)
	}
	return withQuery(a.opts.BaseURL+path, v)
}

// feedTitle names a feed after its single association, if any, else
// after the instance.
func (a *app) feedTitle(st state, res resolved) string {
	if len(res.Assocs) == 1 {
		return tr(st.Lang, "feed.title.assoc", res.Assocs[0].Name)
	}
	return tr(st.Lang, "feed.title", st.Site.Name, excerpt(st.Site.Description, 120))
}

// occurrences returns one page of occurrences for a per-occurrence feed
// (RSS, Atom, JSON): upcoming by default, from the filter's dates if set.
func (a *app) occurrences(ctx context.Context, st state, p feedParams, res resolved) ([]db.InstanceRow, time.Time, error) {
	from, to := a.rangeOf(p.f, st.Now, defaultListSpan)
	q := res.q
	q.From, q.To, q.Limit, q.After = from, to, p.limit, p.after
	rows, err := a.store.ListInstances(ctx, q)
	return rows, from, err
}

// seriesData returns the iCalendar texts of the distinct events having an
// occurrence in the feed's range (at most MaxFeedEvents), in order of
// their first occurrence there. Recurring events come whole, with their
// overrides and exceptions.
func (a *app) seriesData(ctx context.Context, st state, f filter, res resolved) ([][]byte, error) {
	from, to := a.rangeOf(f, st.Now.AddDate(0, 0, -icsPastDays), defaultListSpan+icsPastDays*24*time.Hour)
	q := res.q
	q.From, q.To = from, to
	ids, err := a.store.FeedEventIDs(ctx, q, a.opts.MaxFeedEvents)
	if err != nil {
		return nil, err
	}
	data, err := a.store.EventsData(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, len(ids))
	for _, id := range ids {
		if d, ok := data[id]; ok {
			out = append(out, []byte(d))
		}
	}
	return out, nil
}
