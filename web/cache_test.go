package web

import (
	"fmt"
	"strings"
	"testing"
)

// The page cache holds at most the bytes it is given (bodies, keys and
// the cost of each entry), so that it fits the instance's memory budget:
// it was fixed at 64 MiB, twice the heap limit serve sets.
func TestPageCacheStaysWithinItsSize(t *testing.T) {
	const max = 1 << 20
	p := newPageCache(max)
	body := []byte(strings.Repeat("x", 50<<10))
	for i := 0; i < 200; i++ {
		key := fmt.Sprintf("fr /?q=%d", i)
		p.put(key, &cached{body: body})
		total := 0
		for k, e := range p.m {
			total += len(k) + len(e.body) + cacheEntryOverhead
		}
		if total > max || p.bytes != total {
			t.Fatalf("after %d entries the cache holds %d bytes (counted %d), more than %d", i+1, total, p.bytes, max)
		}
	}
	// An answer of a sixth of the cache is kept (the whole agenda's ICS
	// feed is that big against the default size at 100 000 events), one
	// bigger than a quarter is not.
	p.put("fr /feeds/agenda.ics", &cached{body: make([]byte, max/6)})
	if p.m["fr /feeds/agenda.ics"] == nil {
		t.Fatal("an answer of a sixth of the cache was not kept")
	}
	p.put("fr /big", &cached{body: make([]byte, max/4)})
	if p.m["fr /big"] != nil {
		t.Fatal("an answer of a quarter of the cache was kept")
	}
	if newPageCache(0).maxBytes != DefaultPageCacheBytes {
		t.Fatal("no default size")
	}
}
