-- Which events/storylines a link change mentions besides its target (merged-away, split-off):
-- event and storyline pages list their history by id, and searching the JSON list of
-- link_changes.other_ids with LIKE scanned the whole table on every page (3 ms at 100k
-- articles). Kept in step by triggers, so writers stay as they are.
CREATE TABLE link_change_refs (
    ref_id     TEXT    NOT NULL,
    change_seq INTEGER NOT NULL,
    PRIMARY KEY (ref_id, change_seq)
) WITHOUT ROWID;

INSERT OR IGNORE INTO link_change_refs (ref_id, change_seq)
    SELECT j.value, c.seq FROM link_changes c, json_each(c.other_ids) j;

CREATE TRIGGER link_changes_refs_insert AFTER INSERT ON link_changes BEGIN
    INSERT OR IGNORE INTO link_change_refs (ref_id, change_seq)
        SELECT j.value, NEW.seq FROM json_each(NEW.other_ids) j;
END;

CREATE TRIGGER link_changes_refs_delete AFTER DELETE ON link_changes BEGIN
    DELETE FROM link_change_refs WHERE change_seq = OLD.seq;
END;
