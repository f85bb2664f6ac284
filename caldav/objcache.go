package caldav

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// objectCache keeps recently written and read objects of each calendar, with
// their calendar data already escaped for XML, so that the multiget with
// which an app fetches what changed reads memory instead of SQLite.
//
// It is never older than the store. A calendar's part of the cache is valid
// at a sequence of the change log: every object it holds is the stored one
// at that sequence or later. Before a read, the part is brought to the
// sequence the request resolved the calendar at: the changes logged between
// the two are read from the store and their objects dropped. Objects read
// from the store go in only if the part has not moved meanwhile, and a write
// of this process goes in only if its change is the very next one (its
// PrevSeq is the part's sequence). Writes of other processes (the import
// command) reach it through the change log like any other.
//
// It is bounded in bytes; when full, objects leave at random, which costs
// nothing to track and suits the uniform reads of a full resync.
type objectCache struct {
	mu   sync.Mutex
	max  int
	size int
	cals map[int64]*calObjects
}

// calObjects is one calendar's part. created tells a calendar from a later
// one that reused its id.
type calObjects struct {
	created time.Time
	seq     int64
	objs    map[string]*cachedObject
	bytes   int
}

// cachedObject is an object as reports write it: its head and its data
// escaped by xmlText.
type cachedObject struct {
	head db.ObjectHead
	esc  string
}

// objectOverhead approximates the memory of an entry beside its strings.
const objectOverhead = 160

func (o *cachedObject) cost() int {
	return objectOverhead + len(o.esc) + len(o.head.Href) + len(o.head.ETag)
}

func newObjectCache(max int) *objectCache {
	if max <= 0 {
		return nil
	}
	return &objectCache{max: max, cals: map[int64]*calObjects{}}
}

// changeReader is the part of the store the cache reads.
type changeReader interface {
	CalendarChanges(ctx context.Context, calendarID, since int64, limit int) ([]model.Change, error)
	SyncFloor(ctx context.Context, calendarID int64) (int64, error)
}

// catchUpLimit bounds the changes read to bring a part up to date; beyond,
// the part starts afresh (reading them would cost more than it saves).
const catchUpLimit = 512

// sync brings the part of calendar c up to at least c.Seq and returns the
// sequence it is at, to pass to fill. ok is false when the cache is off or
// another request moved the part meanwhile: then the caller reads the store.
func (oc *objectCache) sync(ctx context.Context, store changeReader, c *model.Calendar) (at int64, ok bool) {
	if oc == nil {
		return 0, false
	}
	oc.mu.Lock()
	part := oc.cals[c.ID]
	if part == nil || !part.created.Equal(c.CreatedAt) || (c.Seq == 0 && part.seq != 0) {
		// New, or a calendar that reused the id: start afresh. A
		// calendar at sequence 0 never had an object, whatever a
		// namesake created in the same second left here.
		oc.dropLocked(c.ID)
		part = &calObjects{created: c.CreatedAt, seq: c.Seq, objs: map[string]*cachedObject{}}
		oc.cals[c.ID] = part
	}
	from := part.seq
	if from >= c.Seq {
		// Already there, or further on (a write of this process since
		// the request read the calendar): newer is never wrong.
		oc.mu.Unlock()
		return from, true
	}
	oc.mu.Unlock()

	// Below the floor, the log was pruned of changes the part has not
	// followed: start afresh, like after too many changes.
	floor, err := store.SyncFloor(ctx, c.ID)
	if err != nil {
		return 0, false
	}
	var changes []model.Change
	if from >= floor {
		if changes, err = store.CalendarChanges(ctx, c.ID, from, catchUpLimit); err != nil {
			return 0, false
		}
	}

	oc.mu.Lock()
	defer oc.mu.Unlock()
	if oc.cals[c.ID] != part || part.seq != from {
		return 0, false // another request moved it: let it be
	}
	if len(changes) == catchUpLimit || len(changes) == 0 {
		// Too many changes to follow, or none though the sequence moved
		// (a cut or pruned log): empty the part, at the calendar's
		// sequence.
		oc.size -= part.bytes
		part.objs, part.bytes, part.seq = map[string]*cachedObject{}, 0, c.Seq
		return part.seq, true
	}
	for _, ch := range changes {
		part.remove(oc, ch.Href)
		part.seq = ch.Seq
	}
	return part.seq, true
}

func (p *calObjects) remove(oc *objectCache, href string) {
	if o, ok := p.objs[href]; ok {
		n := o.cost()
		p.bytes -= n
		oc.size -= n
		delete(p.objs, href)
	}
}

// forget drops a deleted calendar's objects at once (they would otherwise
// wait for the bound to push them out).
func (oc *objectCache) forget(calID int64) {
	if oc == nil {
		return
	}
	oc.mu.Lock()
	oc.dropLocked(calID)
	oc.mu.Unlock()
}

func (oc *objectCache) dropLocked(calID int64) {
	if p, ok := oc.cals[calID]; ok {
		oc.size -= p.bytes
		delete(oc.cals, calID)
	}
}

// get returns the cached objects among names of a calendar whose part sync
// brought to sequence at; found[i] is nil for a name not cached.
func (oc *objectCache) get(calID, at int64, names []string) []*cachedObject {
	found := make([]*cachedObject, len(names))
	if oc == nil {
		return found
	}
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if part := oc.partAt(calID, at); part != nil {
		for i, n := range names {
			found[i] = part.objs[n]
		}
	}
	return found
}

// getOne is get for one name.
func (oc *objectCache) getOne(calID, at int64, name string) *cachedObject {
	if oc == nil {
		return nil
	}
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if part := oc.partAt(calID, at); part != nil {
		return part.objs[name]
	}
	return nil
}

// partAt returns the part of a calendar if it is at sequence at or
// further on (after a write of this process: either way no older than the
// calendar the request resolved); nil when it was dropped since sync.
// oc.mu is held.
func (oc *objectCache) partAt(calID, at int64) *calObjects {
	part := oc.cals[calID]
	if part == nil || part.seq < at {
		return nil
	}
	return part
}

// fill adds objects read from the store after sync returned at, if the part
// is still at that sequence.
func (oc *objectCache) fill(calID, at int64, objs []*cachedObject) {
	if oc == nil || len(objs) == 0 {
		return
	}
	oc.mu.Lock()
	defer oc.mu.Unlock()
	part := oc.cals[calID]
	if part == nil || part.seq != at {
		return
	}
	for _, o := range objs {
		part.put(oc, o)
	}
	oc.trimLocked()
}

// written records a write of this process: the object as stored by the
// change seq, whose calendar was at prev before it. When the part is behind
// prev (writes that finished in another order), it first catches up from
// the log; the object goes in only if no later change followed it.
func (oc *objectCache) written(ctx context.Context, store changeReader, c *model.Calendar, prev, seq int64, o *cachedObject) {
	if oc == nil || seq == 0 {
		return
	}
	oc.mu.Lock()
	part := oc.cals[c.ID]
	switch {
	case part == nil || !part.created.Equal(c.CreatedAt):
		oc.dropLocked(c.ID)
		part = &calObjects{created: c.CreatedAt, seq: seq, objs: map[string]*cachedObject{}}
		oc.cals[c.ID] = part
		part.put(oc, o)
		oc.trimLocked()
		oc.mu.Unlock()
		return
	case part.seq == prev:
		part.seq = seq
		part.put(oc, o)
		oc.trimLocked()
		oc.mu.Unlock()
		return
	case part.seq > seq:
		oc.mu.Unlock()
		return // a later change may have replaced it
	}
	oc.mu.Unlock()
	at := *c
	at.Seq = seq
	if got, ok := oc.sync(ctx, store, &at); !ok || got != seq {
		return
	}
	oc.fill(c.ID, seq, []*cachedObject{o})
}

func (p *calObjects) put(oc *objectCache, o *cachedObject) {
	if old, ok := p.objs[o.head.Href]; ok {
		n := old.cost()
		p.bytes -= n
		oc.size -= n
	}
	n := o.cost()
	p.objs[o.head.Href] = o
	p.bytes += n
	oc.size += n
}

// trimLocked drops objects, from any calendar, until the cache fits (map
// order is random: so is the choice).
func (oc *objectCache) trimLocked() {
	for _, p := range oc.cals {
		for href := range p.objs {
			if oc.size <= oc.max {
				return
			}
			p.remove(oc, href)
		}
	}
}

// newCachedObject escapes an object's data for the cache, in a string of
// exactly its length (a growing builder would keep up to twice as much).
func newCachedObject(h db.ObjectHead, data string) *cachedObject {
	n := len(data)
	for i := 0; i < len(data); i++ {
		if !xmlPlain[data[i]] {
			n += len(xmlEscapes[data[i]]) - 1
		}
	}
	var sb strings.Builder
	sb.Grow(n)
	xmlText(&sb, data)
	h.Size = int64(len(data))
	return &cachedObject{head: h, esc: sb.String()}
}
