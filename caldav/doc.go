// Package caldav is Bastide's CalDAV server (RFC 4791, with RFC 6578
// sync-collection, RFC 5689 extended MKCOL, RFC 5397 current-user-principal
// and the CalendarServer getctag and Apple colour and order extensions),
// over the store and the ical package. NewHandler returns it; cmd/bastide
// mounts it at /dav/ and sends the DAV methods on / and
// /.well-known/caldav to it (see RootDAVMethod).
//
// Reads never scan object texts when stored fields suffice: listings read
// href and ETag, time-range queries read the instance index and re-expand
// only objects whose stored occurrences were capped and do not cover the
// range, sync-collection reads the change log. Every write goes through
// store.PutEvent / DeleteEvent, so the change log sees it.
//
// # Why not go-webdav's server
//
// The protocol is implemented here, with its own XML reader and writer,
// rather than as a Backend behind go-webdav v0.6.0's caldav.Handler. In
// that version (caldav/server.go and internal/server.go of the module):
//
//   - The method switch of internal.Handler.ServeHTTP has no MKCALENDAR
//     (it answers 405), backend.PropPatch answers 501, and backend.Mkcol
//     keeps only DAV:displayname from an extended MKCOL body ("TODO"): a
//     calendar cannot be created with its colour, time zone or component
//     set, let alone all-or-nothing with a 424 for the properties that
//     were fine (mkcalendarFailed here).
//   - Handler.handleReport knows calendar-query and calendar-multiget
//     only: no sync-collection, no free-busy-query. handleQuery ignores
//     the calendar-data of the request ("TODO"), so no expand, no
//     limit-recurrence-set, no partial calendar-data. No getctag and no
//     current-user-privilege-set either, from which apps learn that a
//     viewer's calendar is read-only.
//   - backend.Delete calls Backend.DeleteCalendarObject(ctx, path) without
//     the request's If-Match, so a DELETE cannot be made conditional on
//     the ETag the app saw (here get, put and delete in object.go all
//     honour If-Match, and put If-None-Match).
//   - backend.Put decodes the body with go-ical's decoder before the
//     Backend sees it, with no size bound ("TODO: check
//     CALDAV:max-resource-size"), and a parse failure is a plain 400
//     without CALDAV:valid-calendar-data ("TODO"); the ical package must
//     see the raw bytes first (see package ical). Preconditions can be
//     sent with NewPreconditionError, but always with status 409.
//   - A PROPFIND without a Depth header is treated as Depth infinity
//     (internal.Handler.handlePropfind); here it is Depth 0, and Depth
//     infinity is refused with DAV:propfind-finite-depth (parseDepth).
//   - Request bodies go to encoding/xml without a size bound
//     (internal.DecodeXMLRequest), and every multistatus is built whole in
//     memory and then encoded (internal.ServeMultiStatus, "TODO:
//     streaming"): no way to cap an answer and end it with
//     DAV:number-of-matches-within-limits.
//   - Objects cross the Backend interface as parsed *ical.Calendar values
//     (CalendarObject.Data), and GET re-encodes them: the bytes an app
//     stored cannot be served back as stored, nor prepared ahead (the
//     object cache below keeps escaped answers).
//   - matchCompTimeRange (caldav/match.go) tests recurring components by
//     occurrence start only (rrule Set.Between), ignoring their length and
//     their RECURRENCE-ID overrides, so an occurrence that starts before
//     the range and runs into it, or a moved one, is not matched; RFC 4791
//     §9.9 needs both.
//
// Wrapping it would have meant intercepting almost every method, so this
// handler owns the whole request path: one XML reader for bodies (bounded
// size, depth and element count, no DOCTYPE), one path parser (paths.go),
// one access check per request (resolveCalendar), and streamed
// multistatus answers (objectWriter in report.go). go-webdav is still used:
// its client talks to this server in TestGoWebdavClientRoundTrip.
//
// # Calendars and access
//
// The paths (paths.go): the principal /dav/principals/USER/, the calendar
// home /dav/calendars/USER/, a personal calendar
// /dav/calendars/USER/NAME/ and an association's calendar
// /dav/calendars/USER/ASSOCIATION.CALENDAR/. /.well-known/caldav
// redirects to /dav/, and PROPFIND, REPORT and OPTIONS on / answer as the
// CalDAV root (GET / stays the agenda), so a bare server name works.
//
// A user's home lists their personal calendars and the calendars of every
// association they belong to (ASSOCIATION.CALENDAR); remote calendars
// (events pulled from Mobilizon) are not served over CalDAV. The role
// decides: owners change everything (events, calendar properties, new
// calendars), editors add, change and delete events, viewers only read.
// A calendar that follows an ICS feed (a subscription) is read-only for
// everyone: its writes get 403 DAV:need-privileges naming the feed, which
// is its source of truth (mayWrite).
//
// An MKCALENDAR (or the extended MKCOL vdirsyncer sends) in the home has
// one meaning, decided by the name:
//
//   - a name without a dot (famille, the UUIDs Apple and DAVx5 generate,
//     any name up to 200 bytes, percent-encoded in the URL) makes a
//     personal calendar only its owner sees;
//   - ASSOCIATION.NAME makes a new calendar of that association, for every
//     member; only the association's owners may, and nobody else learns
//     whether the association exists. Any other name with a dot is
//     refused with the reason in the answer.
//
// The calendar is created at the address the app asked for, with the name,
// description, colour, order, time zone and component set it sent; no
// display name is invented. New calendars are private (bastide calendar
// set makes one public). Deleting a calendar is for owners and deletes its
// events.
//
// Sign-in is HTTP Basic with the account password or an app password
// (auth.go; app passwords are stored as their SHA-256, see
// db.HashAppPassword). Account-password logins are cached for Options.AuthCacheTTL so
// that bcrypt runs about once a minute per device; app passwords cost one
// lookup and are never cached, so a revoked one stops working at once.
// Wrong passwords are throttled (Throttle): after 20 failures from one
// address (an IPv6 /64 counts as one) that address waits 10 minutes; after
// 10 failures on one username from addresses it never signed in from,
// those addresses wait while the user's usual devices keep working.
//
// # What is supported, and the limits
//
// Discovery (current-user-principal, calendar-home-set,
// calendar-user-address-set), events and tasks with strong ETags and
// If-Match / If-None-Match, calendar-query (all filters; recurring events
// by their occurrences, overrides included), calendar-multiget,
// sync-collection, free-busy-query, expand, limit-recurrence-set and
// partial calendar-data, getctag, Apple colour and order, PROPPATCH (other
// dead properties an app sets are kept as they are). Not supported:
// scheduling (invitations by e-mail or inbox), ACL changes, LOCK (DAV
// class 2 is not claimed).
//
// The bounds are in Options: 1 MiB per object (ical.Limits.MaxBytes, the
// advertised max-resource-size), 1 MiB XML bodies nested at most 32 deep
// with 20 000 elements, 1000 hrefs per multiget, 1000 occurrences per
// expanded object, 16 MiB of objects per report answer. Past MaxAnswer the
// answer ends with a 507 response carrying
// DAV:number-of-matches-within-limits; a cut sync-collection gives a token
// to continue from; a larger free-busy answer is refused (403, the same
// precondition). PROPFIND with Depth infinity is refused (403). A
// sync-collection whose reading fails part-way fails (500, or a cut
// connection) rather than hand out a token for a partial answer. Sync
// tokens carry the database's epoch, so after a restore from a backup
// every app is told its token is invalid and syncs from scratch.
//
// # How answers stay fast and small
//
// Each cache and fast path below was measured switched off in one run of
// cmd/caldav-bench at 10 000 objects (the variants bastide-noobjects and
// so on, 2026-12-08); one that made no operation at least twice as fast
// was removed (the hand-written XML reader, the pre-rendered multiget
// answers, the ring of answer buffers), unless the GET or multiget answer
// would then drift beyond 3 times the loopback floor.
//
//   - Object cache (objcache.go). Multigets and GETs are answered from
//     memory: recently written and read objects are kept per calendar,
//     their data already escaped for XML (a GET unescapes the text). The
//     cache never serves anything older than the database: before a read
//     it catches up with the change log (writes of bastide import or of
//     another process included), and a write of the server itself goes in
//     only when its change is the next one. It holds 16 MiB by default
//     (bastide serve gives it 3/8 of its memory budget, 12 MiB, about
//     9 000 objects), then drops objects at random. Off: multiget of 100
//     ×2.8 slower (1.12 ms instead of 0.41).
//   - Calendar resolution (resolve.go). Which calendar a path names, and
//     the user's role there, is kept per user and name and served only
//     while SQLite's data_version has not moved, that is while nothing at
//     all was written, by this process or another: a membership removed
//     from the command line counts at the next request. Off: GET ×1.6
//     and ×2.7 slower in two runs (0.16–0.17 ms instead of 0.06–0.10),
//     past 3 times the loopback floor (0.05 ms).
//   - Listings (cache.go). PROPFIND Depth 1 answers of unchanged calendars
//     are kept (4 MiB), checked against the calendar's change sequence.
//     Off: PROPFIND Depth 1 ×9.9 slower (23.6 ms instead of 2.4).
//   - SQLite statements stay prepared: parameters are written +? where the
//     planner would otherwise re-plan at every run, and write transactions
//     take their statements from the driver's cache (see db/sqlite.go,
//     where BenchmarkPlusParams measures it: ×7 to ×8 per query).
//   - Answers. A multistatus up to 256 KiB goes out whole, with its
//     length; a larger one streams.
//   - Memory. SQLite keeps 2 MB of pages for the writer and 1 MB per
//     reader; bastide serve keeps the Go heap near its memory budget
//     (--memory-limit, 32 MiB), which these caches fit below.
//
// The figures, against Radicale and Xandikos, and the command that
// reproduces them are in cmd/caldav-bench/README.md.
//
// # Tested with real clients
//
// The tests run, against this server on 127.0.0.1, go-webdav's client and,
// in the integration tier (go test -tags integration), litmus, vdirsyncer
// and python3-caldav (Debian packages); they replay the
// request sequences of Thunderbird, Apple Calendar, DAVx5 and Evolution,
// and have two members of one association sync with two different clients
// (a stale write gets 412 and nothing is lost).
//
// litmus 0.13 (TestLitmus) runs its suites basic, copymove, props, locks
// and http against a calendar collection. litmus makes its scratch
// collection with a plain MKCOL, which the test sends as MKCALENDAR, so
// that every litmus request lands in a calendar. Of its 67 tests, 29 pass;
// the 38 that cannot apply to a calendar are, with the reason (the test
// fails if one of them starts to pass):
//
//   - tests that store arbitrary bytes: basic put_get,
//     put_get_utf8_segment; copymove copy_init, move; props propinit (run
//     twice). A calendar accepts only iCalendar data (RFC 4791 §5.3.2), so
//     these PUTs get 403;
//   - tests that use what those PUTs would have created (litmus skips
//     them): basic mkcol_over_plain, delete; copymove copy_simple,
//     copy_overwrite, copy_nodestcoll; props propset, propget, propmove,
//     propdeletes, propreplace, propnullns, prophighunicode, propremoveset,
//     propsetremove, propvalnspace, propmanyns: they set dead properties on
//     a stored resource, and calendar objects have no writable properties
//     (calendars do);
//   - tests that create plain sub-collections: basic mkcol,
//     delete_fragment; copymove copy_coll, copy_shallow, move_coll; and
//     basic mkcol_again, delete_coll, which use that collection. Calendars
//     hold objects, not collections (RFC 4791 §4.2);
//   - locks: DAV class 2 is not claimed (no calendar app uses LOCK), so
//     litmus skips every locking test (locks/precond).
package caldav
