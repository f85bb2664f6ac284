-- CalDAV state that has no place in the calendars table: properties that
-- clients set with PROPPATCH and that Bastide does not interpret ("dead"
-- properties, RFC 4918 §4.1), kept so that a client reads back what it wrote.
-- value is the XML content of the property element, as the client sent it.
CREATE TABLE caldav_props (
    calendar_id INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    ns          TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (calendar_id, ns, name)
) WITHOUT ROWID;

-- The URL segment a client chose when it created a personal calendar whose
-- name is not already a slug (Apple Calendar uses upper-case UUIDs): the
-- calendar's slug is the lower-cased segment, and its URL stays exactly the
-- one the client asked for.
CREATE TABLE caldav_names (
    calendar_id INTEGER PRIMARY KEY REFERENCES calendars(id) ON DELETE CASCADE,
    segment     TEXT NOT NULL
);

-- Covering indexes for CalDAV listings: PROPFIND Depth 1 and sync read
-- href and ETag of thousands of objects, and the time-range filter reads
-- the kind of the events it finds in the instance index; without these,
-- each row read would load the object's text from the table.
CREATE INDEX caldav_events_list ON events(calendar_id, href, etag, component, updated_at);
CREATE INDEX caldav_events_kind ON events(calendar_id, id, component, all_day, floating, instances_capped);
-- Capped series (whose stored occurrences stop at the horizon or the cap)
-- are looked up on every time-range query, with the bounds of what is
-- stored for each.
CREATE INDEX caldav_events_capped ON events(calendar_id, id, component, all_day, floating) WHERE instances_capped = 1;
-- (The bounds of a series come from event_instances_event, in 0001.)
