-- Ids of associations and calendars are never given twice. SQLite gives a
-- new row the largest id plus one, so deleting the newest calendar handed
-- its id to the next one, which then inherited the change log rows (and
-- with them sync tokens and ctags) of the one deleted. The largest id ever
-- deleted is kept here, and inserts start above it. (The change log's seq
-- needs nothing: its rows are never deleted; a pruning must keep the last.)
CREATE TABLE retired_ids (
    tbl    TEXT PRIMARY KEY,
    max_id INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER associations_retire_id AFTER DELETE ON associations BEGIN
    INSERT INTO retired_ids (tbl, max_id) VALUES ('associations', OLD.id)
    ON CONFLICT (tbl) DO UPDATE SET max_id = max(max_id, excluded.max_id);
END;

CREATE TRIGGER calendars_retire_id AFTER DELETE ON calendars BEGIN
    INSERT INTO retired_ids (tbl, max_id) VALUES ('calendars', OLD.id)
    ON CONFLICT (tbl) DO UPDATE SET max_id = max(max_id, excluded.max_id);
END;

-- Calendars deleted before this migration left their ids in the change log.
INSERT INTO retired_ids (tbl, max_id)
    SELECT 'calendars', max(calendar_id) FROM changes HAVING max(calendar_id) IS NOT NULL;
