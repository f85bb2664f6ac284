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
