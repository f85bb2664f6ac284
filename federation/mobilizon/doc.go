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
//
// # How an event is mapped
//
// The Event is addressed to Public in to. Its attributedTo is the
// association's Group and its actor the instance actor /relay: with two
// different actors Mobilizon makes the relay the organiser and the Group
// the event's group, so the event shows on the Group's page and to its
// followers (with the Group alone it would be the organiser and the event
// would have no group).
//
// Times keep the event's zone (TZID, else Europe/Paris) with their offset
// and the IANA timezone; floating times are read in Europe/Paris; an
// all-day event runs from 00:00 on its first day to 23:59 on its last
// (Mobilizon has no all-day events). A title shorter than 3 characters gets
// the association's name appended, one longer than 200 is cut (Mobilizon's
// bounds). status is CANCELLED for a cancelled event. Hashtags come from
// the categories only: a #word or @user@host in the description is shown
// as written, not turned by Mobilizon into a tag or a mention. joinMode is
// external, with the event's URL, when it has one. Comments are closed
// (repliesModerationOption: closed): Bastide does not keep them.
//
// The Place has no id (Mobilizon never updates a Place whose id it knows),
// splits a LOCATION text into name, street, postcode and commune, takes
// the commune and postcode from the Lot-et-Garonne registry when the
// address names one, and its float coordinates from GEO, else from the
// commune's centre, so that Mobilizon's geographic search finds it. An
// event whose LOCATION is a URL is online: isOnline, a Website link and,
// for Jitsi, Zoom, Meet, Teams, BigBlueButton, YouTube or Twitch,
// Mobilizon's matching metadata. Online events and events without a place
// get a Place without address or coordinates ("En ligne",
// "Lot-et-Garonne"): without one Mobilizon drops the time zone and shows
// the times in UTC.
//
// The category is Mobilizon's (category.go): the first CATEGORIES value
// that is one of its 30 ids (MUSIC, FOOD_DRINK, "Food & Drink" …), else
// the first value found in a French/English word table (concert, musique →
// MUSIC; marché, gastronomie, repas → FOOD_DRINK; randonnée, marche,
// nature → OUTDOORS_ADVENTURE; théâtre → THEATRE; spectacle, danse →
// PERFORMING_VISUAL_ARTS; exposition → ARTS; conférence, atelier →
// LEARNING; fête, bal → PARTY; réunion, assemblée générale → MEETING …),
// else MEETING, Mobilizon's default.
//
// # Reading events
//
// Incoming events (parse.go) are read from Mobilizon, Gancio and WordPress
// shapes alike: times with an offset or a timezone, a location as a Place,
// a string or a list (the first physical place is kept), the category as
// its French label plus the hashtags, HTML cleaned with an allow-list
// (html.go: paragraphs, emphasis, lists, quotes, headings, code, links to
// http, https and mailto marked nofollow noopener) and kept as plain text
// in the iCalendar DESCRIPTION.
package mobilizon
