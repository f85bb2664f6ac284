package caldav

import (
	"io"
	"net/http"
	"strings"
	"sync"
)

// listingCache keeps the object part of recent PROPFIND Depth 1 answers.
// Apps poll their calendars far more often than they change: an answer is
// keyed by the calendar's change sequence (which every write moves), the
// user, their role and the properties asked, so a cached answer is never
// older than what the store holds at its sequence. Bounded in bytes;
// the oldest entries go first.
type listingCache struct {
	mu    sync.Mutex
	m     map[string][][]byte
	order []string
	size  int
	max   int
}

func newListingCache(max int) *listingCache {
	return &listingCache{m: map[string][][]byte{}, max: max}
}

func chunksLen(b [][]byte) int {
	n := 0
	for _, c := range b {
		n += len(c)
	}
	return n
}

func (c *listingCache) get(k string) ([][]byte, bool) {
	if c == nil || c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[k]
	return b, ok
}

func (c *listingCache) put(k string, b [][]byte) {
	n := chunksLen(b)
	if c == nil || n > c.max/2 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return
	}
	for c.size+len(b) > c.max && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.size -= chunksLen(c.m[old])
		delete(c.m, old)
	}
	c.m[k] = b
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

func listingKey(calID, seq int64, role, user string, r *http.Request, pf *propfindReq) string {
	var sb strings.Builder
	sb.WriteString(itoa(int(calID)) + "/" + itoa(int(seq)) + "/" + role + "/" + user + "/" + pf.mode)
	if minimal(r) {
		sb.WriteString("/min")
	}
	for _, q := range pf.names {
		sb.WriteString("|" + q.Space + " " + q.Local)
	}
	return sb.String()
}
