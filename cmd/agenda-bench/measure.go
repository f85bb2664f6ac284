package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// result is the measurement of one page type in one way.
type result struct {
	times []time.Duration
	// wrong is the first incorrect answer ("" when every one was right).
	wrong string
	err   error
	bytes int // size of the last answer
}

func (r *result) median() time.Duration { return quantile(r.times, 0.5) }
func (r *result) p99() time.Duration    { return quantile(r.times, 0.99) }

func quantile(ts []time.Duration, q float64) time.Duration {
	if len(ts) == 0 {
		return 0
	}
	s := slices.Clone(ts)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1)+0.5)]
}

// plan says how long each page type is measured.
type plan struct {
	reps    int           // requests of each kind, at least 3
	minTime time.Duration // cached requests go on until this has passed (at most maxReps)
	budget  time.Duration // uncached requests stop after this (at least 3 made)
}

const maxReps = 2000

// keptLimit bounds the answers kept before they are checked.
const keptLimit = 32 << 20

// measure times the URLs urls(i) for i = 0, 1, … while more says so,
// checking every answer with check after the timed requests (or when the
// kept answers exceed keptLimit), so that the client's checking does not
// run between two timed requests.
func measure(ctx context.Context, c *client, more func(i int, elapsed time.Duration) bool, urls func(int) string,
	check func(*reply) string) *result {
	r := &result{}
	var kept []*reply
	size := 0
	judge := func() {
		for _, k := range kept {
			if w := check(k); w != "" && r.wrong == "" {
				r.wrong = w
			}
		}
		kept, size = nil, 0
	}
	start := time.Now()
	for i := 0; more(i, time.Since(start)); i++ {
		u := urls(i)
		rep, err := c.get(ctx, u)
		if err != nil {
			r.err = fmt.Errorf("GET %s: %w", u, err)
			return r
		}
		r.times = append(r.times, rep.elapsed)
		r.bytes = len(rep.body)
		rep.ctype += " " + u // for the message of a wrong answer
		kept = append(kept, rep)
		if size += len(rep.body); size > keptLimit {
			judge()
		}
	}
	judge()
	return r
}

// wrongOf is the check of a page type's answers; the known URL's answer
// must also name its expected events.
func wrongOf(pt *pageType, known bool) func(*reply) string {
	return func(r *reply) string {
		if w := checkAnswer(pt.kind, r); w != "" {
			return fmt.Sprintf("%s: %s", r.ctype, w)
		}
		if known {
			for _, w := range pt.want {
				if !bytes.Contains(r.body, []byte(w)) {
					return fmt.Sprintf("%s: %q missing from the answer", pt.known, w)
				}
			}
		}
		return ""
	}
}

// uncached measures distinct URLs of pt starting at offset: reps of
// them, fewer if the budget runs out or pt has fewer.
func uncached(ctx context.Context, c *client, pt *pageType, p plan, offset int) *result {
	return measure(ctx, c, func(i int, el time.Duration) bool {
		return offset+i < pt.n && i < p.reps && (i < 3 || el < p.budget)
	}, func(i int) string { return pt.distinct(offset + i) }, wrongOf(pt, false))
}

// cachedRun measures the known URL repeated (after one untimed request
// that fills the cache), at least reps times and for minTime.
func cachedRun(ctx context.Context, c *client, pt *pageType, p plan) *result {
	if _, err := c.get(ctx, pt.known); err != nil {
		return &result{err: err}
	}
	return measure(ctx, c, func(i int, el time.Duration) bool {
		return i < p.reps || (el < p.minTime && i < maxReps)
	}, func(int) string { return pt.known }, wrongOf(pt, true))
}

// throughput sends distinct uncached URLs from pool with n clients in
// parallel for d (or until the pool runs out) and returns the answers per
// second and the first wrong answer.
func throughput(ctx context.Context, origin string, pool []func() (string, string), n int, d time.Duration) (float64, int, string, error) {
	var mu sync.Mutex
	next := 0
	take := func() (string, string, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next == len(pool) {
			return "", "", false
		}
		u, k := pool[next]()
		next++
		return u, k, true
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	wrong := make([]string, n)
	counts := make([]int, n)
	start := time.Now()
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(origin)
			c.parallel = true
			for time.Since(start) < d {
				u, kind, ok := take()
				if !ok {
					return
				}
				rep, err := c.get(ctx, u)
				if err != nil {
					errs[w] = err
					return
				}
				counts[w]++
				if m := checkAnswer(kind, rep); m != "" && wrong[w] == "" {
					wrong[w] = u + ": " + m
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	total := 0
	for w := range n {
		total += counts[w]
		if errs[w] != nil {
			return 0, total, "", errs[w]
		}
	}
	var bad string
	for _, m := range wrong {
		if m != "" {
			bad = m
		}
	}
	return float64(total) / el.Seconds(), total, bad, nil
}
