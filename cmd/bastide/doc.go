// Command bastide runs Bastide, the shared events calendar of the
// associations of the Lot-et-Garonne, and manages its data: users,
// associations, members, app passwords, imports and backups.
//
// Every subcommand lives in its own file and registers itself from init();
// run `bastide --help` for the list.
//
// # Figures
//
//	go test -tags sqlite_fts5 -run '^$' -bench 'Import10k|Parse10k' -benchtime 3x ./cmd/bastide
//
// BenchmarkImport10k imports a 10 000-event .ics, 20% weekly series with
// EXDATEs and moved occurrences (about 138 000 stored occurrences); the
// target is 5 000 events/s or more. On the shared 2-CPU development
// machine: 5 860–5 940 events/s on a quiet day, the writes alone about
// 6 600 events/s (write-events/s); on a busier day (2026-11-30) 3 100–3 900
// events/s, as the code before that day's changes measured alternately
// with it (2 800–4 300 events/s). Its baseline, BenchmarkParse10k, splits
// and expands the same file without the store: about 25 000 events/s, so
// the store's writes are about 90% of the time (%write).
package main
