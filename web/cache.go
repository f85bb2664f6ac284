package web

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// cached is one rendered response, valid while the change log has not
// moved, within the same hour (the agenda's "now" is an hour) and for at
// most cacheTTL (association pages depend on rows the log does not cover).
type cached struct {
	seq     int64
	hour    int64
	at      time.Time
	status  int
	ctype   string
	body    []byte
	etag    string
	lastMod time.Time
	extra   map[string]string
}

const (
	cacheTTL      = 30 * time.Second
	cacheMaxItems = 2000
	// DefaultPageCacheBytes is the page cache's size when Options name
	// none.
	DefaultPageCacheBytes = 4 << 20
	// cacheEntryOverhead is what an entry costs besides its body and key
	// (the struct, its headers, the map slot), counted against the size.
	cacheEntryOverhead = 256
)

type pageCache struct {
	mu       sync.Mutex
	m        map[string]*cached
	bytes    int
	maxBytes int
}

func newPageCache(maxBytes int) *pageCache {
	if maxBytes <= 0 {
		maxBytes = DefaultPageCacheBytes
	}
	return &pageCache{m: map[string]*cached{}, maxBytes: maxBytes}
}

// size is what an entry counts for against maxBytes.
func size(key string, e *cached) int { return len(key) + len(e.body) + cacheEntryOverhead }

func (p *pageCache) get(key string, seq, hour int64, now time.Time) *cached {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.m[key]
	if e == nil || e.seq != seq || e.hour != hour || now.Sub(e.at) > cacheTTL {
		return nil
	}
	return e
}

// put keeps e under key. An answer bigger than a quarter of the cache is
// not kept, so that one answer cannot take the room of many. A quarter,
// not less: the whole agenda's ICS feed, which every subscriber polls, is
// about 660 KiB at 100 000 events and took some 80 ms to rebuild at each
// poll when the cap was an eighth of the default 4 MiB.
func (p *pageCache) put(key string, e *cached) {
	n := size(key, e)
	if n > p.maxBytes/4 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.m[key]; old != nil {
		p.bytes -= size(key, old)
		delete(p.m, key)
	}
	if len(p.m) >= cacheMaxItems || p.bytes+n > p.maxBytes {
		// Simple and bounded: start again. Entries are cheap to rebuild.
		p.m = map[string]*cached{}
		p.bytes = 0
	}
	p.m[key] = e
	p.bytes += n
}

// etagOf is a strong entity tag over the body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// clear drops every page: what changed is not in the change log (an
// association's profile or state), and its name and logo show on more
// pages than its own. Other processes (the commands) are caught by
// cacheTTL.
func (p *pageCache) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m = map[string]*cached{}
	p.bytes = 0
}

// associationsChanged forgets what the public pages hold of the
// associations (their pages, and the list the filters offer) after an
// association's profile or state changed in this process.
func (a *app) associationsChanged() {
	a.cache.clear()
	a.memo.mu.Lock()
	a.memo.assocs = nil
	a.memo.mu.Unlock()
}
