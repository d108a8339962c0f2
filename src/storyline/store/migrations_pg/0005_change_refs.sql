-- Which events/storylines a link change mentions besides its target (see the SQLite migration
-- of the same number): an indexed lookup instead of a LIKE scan over link_changes.other_ids.
CREATE TABLE link_change_refs (
    ref_id     TEXT COLLATE "C" NOT NULL,
    change_seq BIGINT NOT NULL REFERENCES link_changes (seq) ON DELETE CASCADE,
    PRIMARY KEY (ref_id, change_seq)
);

INSERT INTO link_change_refs (ref_id, change_seq)
    SELECT j.value, c.seq FROM link_changes c, json_array_elements_text(c.other_ids::json) j
    ON CONFLICT DO NOTHING;

CREATE FUNCTION link_changes_refs_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO link_change_refs (ref_id, change_seq)
        SELECT j.value, NEW.seq FROM json_array_elements_text(NEW.other_ids::json) j
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER link_changes_refs_insert AFTER INSERT ON link_changes
    FOR EACH ROW EXECUTE FUNCTION link_changes_refs_insert();
