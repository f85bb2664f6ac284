-- Full-text search moves from FTS5 to FTS4, so that a plain `go build`
-- (no build tag to remember) gives a working binary: mattn/go-sqlite3
-- compiles FTS4 by default and FTS5 only with a build tag. Writes stay
-- cheap: matchinfo=fts3 keeps no per-document sizes, which only ranking
-- would read. No prefix index (prefix="2,3"): it made an import cost about
-- 30% more CPU than FTS5 did, for no faster search (searches are bounded
-- by the occurrences they join, not by the prefix expansion).
--
-- A normal FTS4 table keeps its own copy of the text. Contentless FTS4
-- cannot delete a row, and an external-content table must see the old
-- text when its row is deleted, which every later change to the events
-- table would have to remember.
--
-- 0001 now creates this FTS4 table too (nothing was released yet); a
-- database made by an earlier build still holds the FTS5 one. A binary
-- without FTS5 cannot DROP a virtual table whose module it lacks, so its
-- schema row is removed directly (SQLite's writable_schema; the table
-- owns no pages of its own), then its FTS5 shadow tables, which are plain
-- tables, are dropped. A table made by 0001 is dropped and made again
-- below, so that every database ends with the same definition. The index
-- is then refilled from the events (categories are stored comma-separated;
-- the store indexes them space-separated).

PRAGMA writable_schema = ON;
DELETE FROM sqlite_schema WHERE type = 'table' AND name = 'events_fts' AND sql LIKE '%fts5%';
PRAGMA writable_schema = RESET;

DROP TABLE IF EXISTS events_fts;
DROP TABLE IF EXISTS events_fts_data;
DROP TABLE IF EXISTS events_fts_idx;
DROP TABLE IF EXISTS events_fts_content;
DROP TABLE IF EXISTS events_fts_docsize;
DROP TABLE IF EXISTS events_fts_config;

CREATE VIRTUAL TABLE events_fts USING fts4(
    summary, description, location, categories,
    matchinfo=fts3,
    tokenize=unicode61 "remove_diacritics=2"
);

INSERT INTO events_fts (docid, summary, description, location, categories)
SELECT id, summary, description, location, replace(categories, ',', ' ') FROM events;
