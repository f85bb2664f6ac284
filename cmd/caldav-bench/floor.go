package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// The loopback floor: a server that does nothing but send a body of a
// given size, in a process of its own, measured with the same client as
// the servers. It tells how much of a measured time is the HTTP round trip
// and the transfer of the answer alone on this machine, a baseline of the
// same run.

// floorEnv, when set to a size in bytes, makes the program serve the floor
// (bodies up to that size) instead of running the benchmark.
const floorEnv = "BASTIDE_BENCH_FLOOR"

// maxFloorBody bounds the bodies the floor server sends.
const maxFloorBody = 64 << 20

// serveFloor answers GET /N with N bytes (and their length) on a free port
// of 127.0.0.1, prints its origin, and serves until standard input closes.
func serveFloor() int {
	size, err := strconv.Atoi(os.Getenv(floorEnv))
	if err != nil || size < 0 || size > maxFloorBody {
		fmt.Fprintf(os.Stderr, "bench floor: %s must be a size from 0 to %d\n", floorEnv, maxFloorBody)
		return 2
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench floor:", err)
		return 1
	}
	fill := make([]byte, size)
	for i := range fill {
		fill[i] = 'x'
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil || n < 0 || n > len(fill) {
			http.Error(w, "GET /N with 0 <= N <= "+strconv.Itoa(len(fill)), http.StatusBadRequest)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", strconv.Itoa(n))
		_, _ = w.Write(fill[:n])
	})
	serveUntilStdinCloses(l, h)
	return 0
}

// serveUntilStdinCloses serves h on l, prints its origin on the first line
// of standard output (what spawnSelf waits for) and serves until standard
// input is closed.
func serveUntilStdinCloses(l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	fmt.Printf("http://%s\n", l.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
}

// measureFloor starts the floor server and times requests for a body of
// each size as p says for the servers' reads (the median of each).
func measureFloor(sizes []int, p plan) (map[int]time.Duration, error) {
	largest := 0
	for _, n := range sizes {
		largest = max(largest, n)
	}
	ch, err := spawnSelf(floorEnv + "=" + strconv.Itoa(largest))
	if err != nil {
		return nil, fmt.Errorf("floor server: %w", err)
	}
	defer ch.stop()
	c := newClient(ch.origin, "", "")
	out := map[int]time.Duration{}
	for _, n := range sizes {
		r := &result{}
		start := time.Now()
		for i := 0; p.more(i, time.Since(start), true); i++ {
			rep, err := c.timed("GET", "/"+strconv.Itoa(n), nil, "")
			if err != nil {
				return nil, err
			}
			if rep.status != http.StatusOK || len(rep.body) != n {
				return nil, fmt.Errorf("floor server: status %d, %d bytes, want %d", rep.status, len(rep.body), n)
			}
			r.times = append(r.times, rep.elapsed)
		}
		out[n] = r.median()
	}
	return out, nil
}
