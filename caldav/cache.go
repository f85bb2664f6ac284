package caldav

import (
	"io"
	"net/http"
	"strings"
	"sync"
)

// listingCache keeps the object part of recent PROPFIND Depth 1 answers.
// Apps poll their calendars far more often than they change: an answer is
// kept per calendar, user, role and properties asked, with the calendar's
// change sequence (which every write moves) read before the listing, and
// served only while the calendar is still at that sequence: never older
// than the store. One answer per key, bounded in bytes, oldest out first.
type listingCache struct {
	mu    sync.Mutex
	m     map[string]listing
	order []string
	size  int
	max   int
}

// listing is one cached answer; a newer sequence replaces it.
type listing struct {
	seq    int64
	chunks [][]byte
}

func newListingCache(max int) *listingCache {
	return &listingCache{m: map[string]listing{}, max: max}
}

func chunksLen(b [][]byte) int {
	n := 0
	for _, c := range b {
		n += len(c)
	}
	return n
}

func (c *listingCache) get(k string, seq int64) ([][]byte, bool) {
	if c == nil || c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.m[k]
	if !ok || l.seq != seq {
		return nil, false
	}
	return l.chunks, true
}

func (c *listingCache) drop(k string) {
	l, ok := c.m[k]
	if !ok {
		return
	}
	c.size -= chunksLen(l.chunks)
	delete(c.m, k)
	for i, o := range c.order {
		if o == k {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
}

func (c *listingCache) put(k string, seq int64, b [][]byte) {
	n := chunksLen(b)
	if c == nil || c.max <= 0 || n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.m[k]; ok {
		if l.seq >= seq {
			return
		}
		c.drop(k)
	}
	for c.size+n > c.max && len(c.order) > 0 {
		c.drop(c.order[0])
	}
	c.m[k] = listing{seq: seq, chunks: b}
	c.order = append(c.order, k)
	c.size += n
}

// captureWriter passes writes through and, while on, keeps a copy up to
// limit bytes, in the chunks it was written in (no reallocation).
type captureWriter struct {
	w     io.Writer
	on    bool
	buf   [][]byte
	n     int
	limit int
	over  bool
}

func (c *captureWriter) Write(p []byte) (int, error) {
	if c.on && !c.over {
		if c.n+len(p) > c.limit {
			c.over, c.buf = true, nil
		} else {
			c.buf = append(c.buf, append([]byte(nil), p...))
			c.n += len(p)
		}
	}
	return c.w.Write(p)
}

// listingKey names a listing but for its sequence.
func listingKey(calID int64, role, user string, r *http.Request, pf *propfindReq) string {
	var sb strings.Builder
	sb.WriteString(itoa(int(calID)) + "/" + role + "/" + user + "/" + pf.mode)
	if minimal(r) {
		sb.WriteString("/min")
	}
	for _, q := range pf.names {
		sb.WriteString("|" + q.Space + " " + q.Local)
	}
	return sb.String()
}
