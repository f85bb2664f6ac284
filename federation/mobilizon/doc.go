// Package mobilizon turns Bastide's events and associations into the
// ActivityStreams shapes Mobilizon 4/5 emits and accepts, and reads the
// events other servers send (Mobilizon, Gancio, WordPress Event Bridge, …)
// back into model types.
//
// The package is pure: it imports db/model, the standard library and
// bluemonday, and does no I/O. Package federation builds activities around
// these objects, signs and delivers them; package federation/remote fetches.
//
// What Mobilizon does with what it receives is summarised in the comments
// of Validate; the rules come from Mobilizon 5.1.3's converters and
// transmogrifier.
package mobilizon
