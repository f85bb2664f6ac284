package remote

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/bastide47/bastide/federation/mobilizon"
)

// Bounds used when Backfill's limits are not positive, and hard caps.
const (
	DefaultBackfillPages = 10
	DefaultBackfillItems = 100
	MaxBackfillPages     = 100
	MaxBackfillItems     = 1000
)

// Backfill reads the upcoming events of a remote source by paging an
// ActivityPub collection, within bounds: at most maxPages pages and
// maxItems fetched or returned items.
//
// outboxOrGroupURL may be an actor (a Mobilizon Group: its `events`
// collection is used, else its outbox), an OrderedCollection (first page
// embedded or by URL) or a page. Items may be Events, Create/Update{Event},
// Announce{Event} or Announce{Create{Event}} (a relay outbox), or ids,
// which are fetched. An embedded Event whose id is not on the origin of
// the page that carried it is fetched again from its own origin. Paging
// follows `next`, stops on an empty page, a page already seen, or a
// bound. Mobilizon's collections are oldest first with upcoming events on
// the last pages, so when the first page is "?page=1" and totalItems says
// there are more pages than maxPages, Backfill starts at the last
// maxPages pages (Mobilizon's ?page=N form).
//
// It returns the Event objects whose end (or start, without an end) is
// not before now, without duplicates, sorted by start; objects that
// ParseEvent refuses are left out.
func Backfill(ctx context.Context, c *Client, outboxOrGroupURL string, maxPages, maxItems int) ([]map[string]any, error) {
	maxPages = clamp(maxPages, DefaultBackfillPages, MaxBackfillPages)
	maxItems = clamp(maxItems, DefaultBackfillItems, MaxBackfillItems)
	b := &backfill{c: c, maxItems: maxItems, seen: map[string]bool{}, now: c.opts.Now()}

	doc, _, err := c.GetJSON(ctx, outboxOrGroupURL)
	if err != nil {
		return nil, err
	}
	docURL := outboxOrGroupURL
	if mobilizon.Classify(doc) == mobilizon.KindActor {
		// A Group's events collection holds only Events (its outbox also
		// holds comments, after the events); else the outbox.
		actorID := mobilizon.IDOf(doc)
		docURL = ""
		ep, _ := doc["endpoints"].(map[string]any)
		for _, v := range []any{ep["events"], doc["events"], doc["outbox"]} {
			if u := mobilizon.IDOf(v); u != "" {
				docURL = u
				break
			}
		}
		if docURL == "" {
			return nil, fmt.Errorf("remote: backfill %s: the actor has no outbox", outboxOrGroupURL)
		}
		if !mobilizon.SameOrigin(docURL, actorID) {
			return nil, fmt.Errorf("%w: backfill %s: collection %s is on another origin", ErrOrigin, outboxOrGroupURL, truncate(docURL, 200))
		}
		if doc, _, err = c.GetJSON(ctx, docURL); err != nil {
			return nil, err
		}
	}
	coll, err := mobilizon.ParseCollection(doc)
	if err != nil {
		return nil, fmt.Errorf("remote: backfill %s: %w", docURL, err)
	}

	var page map[string]any
	pageURL := docURL
	switch {
	case coll.Type == "OrderedCollectionPage" || coll.Type == "CollectionPage":
		page = doc
	case coll.FirstPage != nil:
		page, pageURL = coll.FirstPage, coll.First
		if pageURL == "" || !mobilizon.SameOrigin(pageURL, docURL) {
			pageURL = docURL // an embedded page speaks for its collection's origin only
		}
		if IsPageNumbered(pageURL) && coll.TotalItems > 0 {
			if first, _ := mobilizon.ParseCollection(page); first != nil && len(first.Items) > 0 {
				per := len(first.Items)
				last := (coll.TotalItems + per - 1) / per
				if last > maxPages {
					// Jump to the tail: upcoming events are at the end.
					page, pageURL = nil, pageN(pageURL, last-maxPages+1)
				}
			}
		}
	case coll.First != "":
		pageURL = coll.First
	case len(coll.Items) > 0:
		page = doc // a collection with its items inline
	default:
		return nil, nil
	}

	visited := map[string]bool{}
	for pages := 0; pages < maxPages; pages++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if page == nil {
			if pageURL == "" || visited[pageURL] {
				break
			}
			visited[pageURL] = true
			if page, _, err = c.GetJSON(ctx, pageURL); err != nil {
				if len(b.out) > 0 {
					break // keep what was read; the next refresh retries
				}
				return nil, err
			}
		} else if pageURL != "" {
			visited[pageURL] = true
		}
		p, err := mobilizon.ParseCollection(page)
		if err != nil {
			return nil, fmt.Errorf("remote: backfill %s: %w", pageURL, err)
		}
		if len(p.Items) == 0 {
			break
		}
		for _, it := range p.Items {
			if b.fetched >= maxItems || len(b.out) >= maxItems {
				break
			}
			if err := b.item(ctx, it, pageURL, 0); err != nil && errors.Is(err, context.Canceled) {
				return nil, err
			}
		}
		if b.fetched >= maxItems || len(b.out) >= maxItems {
			break
		}
		next := p.Next
		if next == "" || !mobilizon.SameOrigin(next, pageURL) {
			break
		}
		page, pageURL = nil, next
	}
	return b.sorted(), nil
}

type backfill struct {
	c        *Client
	maxItems int
	fetched  int
	seen     map[string]bool
	now      time.Time
	out      []map[string]any
	start    []time.Time
}

func (b *backfill) sorted() []map[string]any {
	idx := make([]int, len(b.out))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return b.start[idx[i]].Before(b.start[idx[j]]) })
	out := make([]map[string]any, len(idx))
	for i, k := range idx {
		out[i] = b.out[k]
	}
	return out
}

// item handles one collection item: unwraps it, fetches ids and foreign
// embedded events, keeps upcoming Events.
func (b *backfill) item(ctx context.Context, it any, pageURL string, depth int) error {
	if depth > 2 {
		return nil
	}
	switch x := it.(type) {
	case string:
		if b.seen[x] || b.fetched >= b.maxItems {
			return nil
		}
		b.fetched++
		obj, _, err := b.c.GetObject(ctx, x)
		if err != nil {
			return err
		}
		return b.item(ctx, obj, x, depth+1)
	case map[string]any:
		if ev := mobilizon.EventOf(x); ev != nil {
			id := mobilizon.IDOf(ev)
			if id == "" || b.seen[id] {
				return nil
			}
			if !mobilizon.SameOrigin(id, pageURL) {
				return b.item(ctx, id, pageURL, depth+1) // from its own origin
			}
			b.seen[id] = true
			r, err := mobilizon.ParseEvent(ev)
			if err != nil {
				return nil
			}
			end := r.Event.End
			if end.IsZero() {
				end = r.Event.Start
			}
			if end.Before(b.now) {
				return nil
			}
			b.out = append(b.out, ev)
			b.start = append(b.start, r.Event.Start)
			return nil
		}
		if mobilizon.TypeOf(x) == "Announce" {
			if ref, ok := x["object"].(string); ok {
				return b.item(ctx, ref, pageURL, depth+1)
			}
			if inner, ok := x["object"].(map[string]any); ok {
				if t := mobilizon.TypeOf(inner); t == "Create" || t == "Update" {
					if ref, ok := inner["object"].(string); ok {
						return b.item(ctx, ref, pageURL, depth+1)
					}
				}
			}
		}
	}
	return nil
}

func clamp(v, def, max int) int {
	if v <= 0 {
		v = def
	}
	if v > max {
		v = max
	}
	return v
}

// IsPageNumbered reports whether a page URL has a numeric "page" query
// parameter (Mobilizon's ?page=N).
func IsPageNumbered(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	_, err = strconv.Atoi(p.Query().Get("page"))
	return err == nil
}

func pageN(u string, n int) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	q.Set("page", strconv.Itoa(n))
	p.RawQuery = q.Encode()
	return p.String()
}
