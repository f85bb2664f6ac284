// Package db is Bastide's store: the SQLite schema, its migrations, the
// queries every part needs, and the change log that every event write feeds.
//
// # Figures
//
//	go test -run '^$' -bench 'EventWrite|InstancesMonth' -benchtime 2000x ./db
//
// Each benchmark reports its figure next to a baseline measured in the same
// run, on the shared 2-CPU development machine (expect better on a quiet
// one):
//
//   - BenchmarkEventWrite, one event with its occurrence and its change row
//     at synchronous=FULL (target under 1 ms median): 0.26–0.28 ms median
//     (2026-11-30), 2.9 times the bare one-row commit of the same size on
//     the same connection (0.09 ms, bare-commit-median-µs): the floor is
//     the disk's fsync. Until that day it was 0.45 ms, 4.5 times: write
//     transactions prepared their statements explicitly, which the driver
//     does not cache, so each write compiled every statement again.
//   - BenchmarkInstancesMonth, 100 000 events in 40 calendars, one month
//     across all calendars (target under 2 ms): the first page of 50
//     public occurrences (what the agenda asks) 0.8 ms; with a commune
//     filter 1.8 ms; with a free-text search matching most events 20 ms;
//     the whole month at once (5 000 rows) about 100 ms, 20 µs per row,
//     which is the driver's per-column cost. Baseline: one event by its
//     public id, 0.04–0.07 ms.
package db
