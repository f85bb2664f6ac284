package caldav

import (
	"context"
	"sync"

	"github.com/bastide47/bastide/db"
)

// resolutionCache keeps the calendars users reached by name (the join of
// memberships, associations and calendars that every request on a
// calendar or an object needs), each with the store's data version it was
// read at. An entry serves only while that version holds, that is while
// nothing at all was written to the store, by this process or another
// (db.Store.DataVersion): a membership removed or changed, a calendar
// deleted or written to (its sequence moves) is seen at the next request.
// Calendars
// not found are not kept, so probing names cannot fill it.
type resolutionCache struct {
	mu sync.Mutex
	m  map[resolutionKey]resolved
}

type resolutionKey struct {
	user        int64
	assoc, slug string
}

type resolved struct {
	version int64
	dc      db.DAVCalendar
}

// maxResolutions bounds the entries; when full, the cache starts afresh.
const maxResolutions = 4096

func newResolutionCache() *resolutionCache {
	return &resolutionCache{m: map[resolutionKey]resolved{}}
}

// versionReader is the part of the store the cache needs.
type versionReader interface {
	DataVersion(ctx context.Context) (int64, error)
	ResolveDAVCalendar(ctx context.Context, userID int64, assocSlug, calSlug string) (*db.DAVCalendar, error)
}

// resolve returns the calendar as store.ResolveDAVCalendar does, from the
// cache when nothing was written since it was read. Each caller gets its
// own copy.
func (rc *resolutionCache) resolve(ctx context.Context, store versionReader, userID int64, assoc, slug string) (*db.DAVCalendar, error) {
	if rc == nil {
		return store.ResolveDAVCalendar(ctx, userID, assoc, slug)
	}
	k := resolutionKey{userID, assoc, slug}
	// The version is read before the calendar: a write in between makes
	// the entry older than its version says, never newer, and the next
	// request reads again.
	version, verr := store.DataVersion(ctx)
	if verr == nil {
		rc.mu.Lock()
		e, ok := rc.m[k]
		rc.mu.Unlock()
		if ok && e.version == version {
			return cloneDAV(&e.dc), nil
		}
	}
	dc, err := store.ResolveDAVCalendar(ctx, userID, assoc, slug)
	if err != nil || verr != nil {
		return dc, err
	}
	rc.mu.Lock()
	if len(rc.m) >= maxResolutions {
		rc.m = map[resolutionKey]resolved{}
	}
	rc.m[k] = resolved{version: version, dc: *cloneDAV(dc)}
	rc.mu.Unlock()
	return dc, nil
}

// cloneDAV copies dc and its calendar, which callers may change.
func cloneDAV(dc *db.DAVCalendar) *db.DAVCalendar {
	out := *dc
	c := *dc.Calendar
	c.Components = append([]string(nil), c.Components...)
	out.Calendar = &c
	return &out
}
