// Package caldav is Bastide's CalDAV server (RFC 4791, with RFC 6578
// sync-collection, RFC 5689 extended MKCOL, RFC 5397 current-user-principal
// and the CalendarServer getctag and Apple colour extensions), over the
// store and the ical package.
//
// The protocol is implemented here with encoding/xml rather than in front of
// go-webdav's caldav.Handler: go-webdav v0.6.0 answers MKCALENDAR with 405
// and PROPPATCH with 501, has no sync-collection, getctag, free-busy-query,
// expand or current-user-privilege-set, ignores If-Match on DELETE, treats a
// PROPFIND without Depth as infinity and matches time ranges on recurring
// events wrongly. Wrapping it would have meant intercepting almost every
// method, so the handler owns the whole request path: one parser for XML
// bodies (bounded depth and size, no DOCTYPE), one path parser (paths.go),
// one access check per request, and streamed multistatus answers. go-webdav's
// client is used in the tests to check that its expectations hold.
//
// Reads never scan object texts when stored fields suffice: listings read
// href and ETag, time-range queries read the instance index and re-expand
// only objects whose stored occurrences were capped and do not cover the
// range, sync-collection reads the change log. Every write goes through
// store.PutEvent / DeleteEvent, so the change log sees it.
package caldav
