// Package federation is Bastide's ActivityPub side: discovery (WebFinger,
// NodeInfo, host-meta), one Group actor per association and the instance
// relay (an Application), the inboxes with strict HTTP signature checks and
// a durable processing queue, the publisher that follows the store's change
// log, the delivery workers, and the pulling of Mobilizon groups and
// instances into remote calendars. How events become Mobilizon objects and
// back is package federation/mobilizon.
//
// Nothing is sent from a request handler: handlers write rows (inbox queue,
// deliveries) and the workers started by Run do the network work, so that a
// crash loses nothing.
//
// # Why not go-fed/activity's pub
//
// go-fed/activity v1.0.0's pub package is a framework for a generic
// ActivityPub server, and what it asks and gives does not fit:
//
//   - Its Database interface (pub/database.go) is the store of record of
//     every ActivityStreams object: Get, Create, Update and Delete of
//     vocab.Type values by IRI, the inbox and the outbox read and written
//     back whole as OrderedCollectionPage values (GetInbox / SetInbox,
//     GetOutbox / SetOutbox), Lock / Unlock per IRI, NewID. Bastide's store
//     of record is its events table and change log; the ActivityStreams
//     objects are derived from it (publisher.go, federation/mobilizon).
//     Implementing that interface would mean a second copy of the same data
//     kept in step.
//   - Its delivery is sideEffectActor.Deliver calling the Transport's
//     BatchDeliver: HttpSigTransport.BatchDeliver (pub/transport.go) starts
//     one goroutine per recipient, POSTs once and returns the errors. There
//     is no retry, nothing survives a restart, and nothing orders two
//     activities about one object to one inbox. Bastide needs a queue in
//     the database (db/delivery.go: DueDeliveries, FinishDelivery) with
//     backoff over about six days, one request per shared inbox, and each
//     object's activities in order per inbox, a newer Update replacing one
//     still waiting (delivery.go, publisher.go).
//   - It verifies nothing itself: FederatingProtocol.AuthenticatePostInbox
//     is the application's to write, and baseActor.PostInbox then reads the
//     body with ioutil.ReadAll, with no bound, before decoding it. Bastide
//     bounds the body and the JSON depth before decoding (jsonlimit.go).
//   - Activities go through its streams vocabulary (streams.ToType), which
//     has none of Mobilizon's extension properties (joinMode, timezone,
//     category, isOnline…) that package federation/mobilizon reads and
//     writes as plain JSON.
//
// What is used from go-fed: go-fed/httpsig signs outgoing requests
// (signRequest in signature.go). Inbound signatures are not verified with
// it: parseSignature reads the Signature header once, the policy in
// verifier.verify checks that parse (the signed header list, Digest
// against the body, Date window, algorithm, key size), and verifier.check
// verifies exactly that parse with crypto/rsa, so that no second parser
// can read another header list than the one the policy saw.
// go-fed/activity's streams package is used only in a test
// (TestGoldenReadByGoFed), as an independent reader of the golden
// documents.
//
// # Actors and discovery
//
// Each association is a Group at /@{association} (handle
// @{association}@host): Mobilizon users can follow only Groups. The
// instance actor, an Application at /relay (@relay@host), is what Mobilizon
// instances follow, and it sends Bastide's own Follows. Discovery is what
// Mobilizon expects: WebFinger (the self link is application/activity+json),
// host-meta, NodeInfo 2.0 and 2.1 served as application/json with the
// FEP-2677 link to /relay. /@{association} and /events/{uuid} answer the
// ActivityPub document to Accept: application/activity+json and the web
// page otherwise.
//
// Mobilizon shows a remote event in its home page, lists and search only
// when an actor its own relay follows has announced it. When a Mobilizon
// instance follows /relay (Admin → Federation → Follow a new instance), the
// Follow is accepted at once and every upcoming public event is announced
// to it (announceBacklog in relay.go); from then on every public event is
// sent as a Create (or Update) from its association's Group plus an
// Announce from /relay. Users who follow a Group receive its events too. An
// association that approves followers by hand sees them as pending (bastide
// followers).
//
// # What is published, and in which order
//
// Every change to a public event (public calendar, not CLASS:PRIVATE or
// CONFIDENTIAL, approved: db/public.go), whatever wrote it, is picked up
// from the change log at once (the commit wakes the publisher; within the
// one-second poll when another process, such as a CLI import, wrote it) and
// becomes a Create, an Update (with the whole Event, as Mobilizon
// requires) or a Delete. A deleted event's URL answers 410 Gone with a
// Tombstone, forever, which is what makes Mobilizon delete its copy. An
// event that stops being public, or whose calendar is deleted, is withdrawn
// the same way; if the whole association is gone, /relay sends the
// Deletes. Mobilizon never re-creates an id it saw deleted, so an event
// that becomes public again is published under a new id (RepublishUUID)
// while the old one keeps answering 410. A CLASS:PRIVATE or CONFIDENTIAL
// occurrence of a public series is never sent, and is deleted if it was.
// Drafts received from Mobilizon are never stored.
//
// Mobilizon has no recurrence. A recurring series is published as its
// next Config.OccurrenceCount (5) occurrences within
// Config.OccurrenceWindow (90 days), each a separate Event with a stable id
// derived from the series and the occurrence; its url is the series page,
// which is never itself served as an ActivityPub Event, so nothing imports
// the series as one more event beside its occurrences. The set moves on
// with time: occurrences that end stay as they were, new ones are created
// (checked every hour and at every change). An occurrence removed from the
// series (EXDATE, a changed rule) is deleted and its URL answers 410; a
// cancelled occurrence is updated with status CANCELLED; deleting the
// series deletes every occurrence still published. A moved or changed
// date goes out with its own title, place, description and status.
//
// Deliveries go to shared inboxes (one request per inbox), are signed,
// retried with exponential backoff for about six days, then marked dead; a
// slow or dead server never delays the others, and nothing is lost across a
// restart. An inbox gets each event's activities in the order they were
// made: a newer Update replaces one still waiting, a Delete replaces
// everything still waiting (so an event deleted during an outage never
// shows up afterwards), and the Announce comes after the Create. When an
// inbox answers again after failures, what waited for it in backoff goes at
// once, in that order (inboxAnswered).
//
// # Following Mobilizon
//
// bastide follow sends a Follow from /relay to a group or an instance
// relay (Federation.Follow in pull.go). Each source gets a remote calendar
// of its own; its events are on the common agenda and in the feeds when
// approved, and are not served over CalDAV (package caldav lists personal
// and association calendars only). Mobilizon pushes new events and changes
// (its Create is signed by the organiser and attributed to the group),
// never past ones, so the source's upcoming events are also read at once
// (its outbox, bounded) and polled again every 6 hours
// (Config.RefreshInterval); an upcoming event the source no longer lists is
// fetched again from its origin, and removed when it answers 410. Events
// are deduplicated by their ActivityPub id. storeRemote stores an event of
// a trusted source (follow --trusted) as approved and any other as
// pending; a stored event keeps the state it had when it is updated.
// Pending events never appear publicly, and nothing yet approves them
// (no command and no page does). Events Mobilizon does not address to
// Public are kept off the public agenda.
//
// # Safety
//
// Inboxes accept only requests signed over (request-target), host, date
// and digest, the Digest recomputed from the body, a Date within 12 hours
// (DateWindow), an RSA key of at least 2048 bits (PKCS#1, as Mobilizon
// publishes it, or SPKI) belonging to the activity's actor; a key is
// fetched again once (at most every 10 minutes) when it may have rotated.
// Bodies over 1 MiB or JSON nested deeper than 32 levels are refused before
// decoding, replays are refused, and the inbox answers 202 once the
// activity is stored: a worker processes it (when Config.MaxInboxQueue,
// 20 000, activities wait, the inbox answers 503 with Retry-After). An
// object from another server than its sender's is fetched from its own
// origin; an update or deletion of an event is taken only from the event's
// origin. Remote fetches (package federation/remote) have timeouts, size
// caps and a bounded number of redirects, and never reach private,
// loopback or link-local addresses unless Config allows it (serve
// --allow-private-addresses, for tests and development).
//
// # Tests
//
// The tests run the Mobilizon, Gancio and Mastodon fixtures copied into
// testdata/interop and federation/mobilizon/testdata through the inbox,
// compare every outgoing activity with golden JSON (go test ./federation
// -run Golden -update rewrites them), apply
// Mobilizon's ingest rules (mobilizon.Validate) to every activity a test
// makes Bastide send, run two Bastide instances against each other on
// 127.0.0.1, and run Fedify 2.3.6, an independent ActivityPub
// implementation, which follows a Group and verifies every signed activity.
// That test is in the integration tier (go test -tags integration); it
// needs node and npm; it installs Fedify with npm ci from
// fedifytest/peer into ~/.cache/bastide-fedify (or
// $XDG_CACHE_HOME/bastide-fedify), outside the repository.
//
// # Figures
//
// Each benchmark reports its figure with a ratio to a baseline measured in
// the same run, so that runs on different machines or loads compare. All
// figures below come from the shared 2-core development machine, whose
// load varies.
//
// go test -run '^$' -bench 'Inbox|Fanout' ./federation/
//
// BenchmarkInbox gives fully checked signed Create{Event} per second at the
// shared inbox, with the worker storing them meanwhile (req/s, target at
// least 500), against the bare signature check of the same requests on
// every core (ratio_to_verify_only) and against unsigned POSTs to an empty
// handler (ratio_to_unsigned_http). BenchmarkFanout gives the time to
// deliver one event to 1 000 followers on 50 hosts, each request signed
// (s/fanout_worst, target under 10 s), against the same fan-out unsigned
// (ratio_to_unsigned_fanout) and against signing the 1 000 requests on one
// core (ratio_to_signing_only). Five runs: 1 500 to 3 700 Create{Event}/s
// at the inbox, 0.07 to 0.16 of the bare verification rate and 0.05 to
// 0.16 of unsigned HTTP; the fan-out in 1.1 to 1.7 s, 26 to 37 times the
// unsigned fan-out and 1.0 to 1.5 times the signing of the 1 000 requests
// on one core: signing dominates.
//
// go test -run '^$' -bench 'CalDAVToFollower|OutageCatchUp' ./federation/
//
// BenchmarkCalDAVToFollower times a CalDAV PUT over loopback until the
// first of four followers receives the Create (at least 50 writes after
// one warm-up, with the production 1 s poll: the commit wakes the
// publisher), beside a bare signed POST in the same run
// (ratio_to_bare_signed_post), and a weekly series until its five
// occurrences arrived. BenchmarkOutageCatchUp makes 100 changes to 20
// events while one of two followers is down and reports how long the other
// took to get them all, how long the one back from its outage took to show
// exactly the latest state (s/catch_up, with retries starting at 100 ms)
// and the requests each got. Measured: a median of 10 to 17 ms and a p99
// of 35 to 65 ms (8 to 17 times a bare signed POST; 1.0 s median before
// the wake on commit), a series in 20 to 40 ms; after the outage 40
// requests instead of 100, caught up in 0.4 to 0.7 s.
//
// go test -run TestRegionOfFiveInstances -v ./federation/
//
// TestRegionOfFiveInstances (five instances following each other's /relay)
// logs an event reaching the four others in about 30 to 70 ms (median of
// 10), with 8 POSTs per event in the whole region (a Create and an
// Announce to each).
package federation
