// Command bastide runs Bastide, the shared events calendar of the
// associations of the Lot-et-Garonne, and manages its data: users,
// associations, members, app passwords, imports and backups.
//
// Every subcommand lives in its own file and registers itself from init();
// run `bastide --help` for the list.
//
// # Layout
//
//	cmd/bastide   flags + BASTIDE_* variables -> Config; opens the database,
//	              wires the handlers and workers; one file per subcommand
//	web           the public agenda, event and association pages, feeds, widget (Echo)
//	caldav        the CalDAV server over db + ical
//	federation    ActivityPub: actors, discovery, inboxes, signatures, delivery,
//	              pulling from Mobilizon (federation/mobilizon: the object mapping)
//	ical          iCalendar <-> model: bounded parsing, validation, recurrence, feeds
//	db            the SQLite store: schema and migrations, queries, the change log
//	db/model      plain domain types and their rules (standard library only)
//
// Imports go one way: cmd -> {web, caldav, federation} -> {ical, db} ->
// db/model; web, caldav and federation never import each other (what
// crosses from one to another goes through the database), ical uses
// neither the store nor the network, and nothing imports cmd.
// deps_test.go fails when this is broken.
//
// # Memory
//
// One budget bounds what serve keeps in memory: --memory-limit
// (BASTIDE_MEMORY_LIMIT), 32 MiB by default. It is the soft limit of the
// Go heap, and every cache is a share of it (cacheBudget in config.go):
// the CalDAV object cache 3/8, the CalDAV listings 1/8, the web page
// cache 1/8, so that full caches leave 3/8 to the requests. SQLite's page
// caches live outside the Go heap and are fixed small (2 MB for the
// writer, 1 MB per reader, db/sqlite.go). At rest on the demo data, serve
// holds about 18 MB of its own (TestServeIdleMemory) beside the 20 MB of
// its program file that the kernel maps; cmd/caldav-bench prints the peak
// under load.
//
// # Figures
//
//	go test -run '^$' -bench 'Import10k|Parse10k' -benchtime 3x ./cmd/bastide
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
//
//	go test -run '^$' -bench 'Subscription5k' -benchtime 3x ./cmd/bastide
//
// BenchmarkSubscription5k refreshes a subscription to a 5 000-event feed
// (the same generator) on 127.0.0.1. Unchanged, one request either way:
// 0.7 ms with a server that answers 304, 8 ms with one that sends the same
// 3 MB again (a SHA-256 of the body, no parsing); the target is 50 ms.
// Changed (every event moved, so 5 000 updates): 1 300 events/s, against
// 1 290 for an import of the same text into a plain calendar in the same
// run (ratio-to-import 1.01) on a busy day (2026-12-08): a refresh costs
// what an import costs, plus one pass over the stored UIDs.
//
//	go test -run '^$' -bench FormSaveToFollower -benchtime 30x ./cmd/bastide
//
// BenchmarkFormSaveToFollower saves new events through the back office's
// form over HTTP (the wired server, federation running) and times each
// until a follower's inbox on 127.0.0.1 gets the first POST of its Create;
// the target is a second. On 2026-12-08: median 7 ms, p99 29 ms, the form
// itself answering in a median 1.7 ms.
package main
