-- The admins' user search finds a name by any part of it (store.FindUsers):
-- 小明 finds 王小明 and 李小明, "anna" finds "Anna Li". Each user has one row
-- here per suffix of users.name_key (the name with ASCII letters lowered,
-- migration 0024), counted in characters, never bytes: 王小明 gives 王小明,
-- 小明 and 明. The names that hold q are then the suffixes that begin with q,
-- a range of the primary key (part >= q AND part < q || U+10FFFF), not a
-- scan of a million names for '%q%'. Suffixes start in the first 32
-- characters of a name (names are at most 50; a part that begins after the
-- 32nd character is not found), so a user has at most 32 rows.
-- Kept by triggers in the same statement as every write of users.name,
-- whichever path makes it (the pages, sign-up, imports, huitian gen, a
-- rename, an account's deletion); rows go with their user (ON DELETE
-- CASCADE). huitian copy copies the rows as they are, triggers off.
CREATE TABLE user_name_parts (
    part    TEXT COLLATE "C" NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (part, user_id)
);
-- A user's parts: a rename replaces them, a deletion cascades to them, and
-- the search keeps a user once (at its first part that holds q).
CREATE INDEX user_name_parts_user ON user_name_parts (user_id, part);
-- No parallel workers for its scans: a search reads at most a page and a
-- count bounded at 1,000 of a range, where starting two workers cost more
-- than the reading (city scale: 1,001 parts of 建 counted in 18–20 ms with
-- two workers, 5–7 ms by one index-only scan).
ALTER TABLE user_name_parts SET (parallel_workers = 0);
INSERT INTO user_name_parts (part, user_id)
    SELECT substr(u.name_key, i), u.id FROM users u, generate_series(1, least(char_length(u.name_key), 32)) i;
-- Statement triggers with the statement's rows (transition tables): a
-- batch of huitian gen (a COPY of thousands of users) writes its parts in
-- one INSERT, not one trigger call a user (which made it 2.5–3.5 times
-- slower). An UPDATE trigger with transition tables takes no column list:
-- every UPDATE of users compares the old and new name keys of its rows.
CREATE FUNCTION user_name_parts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_name_parts (part, user_id)
        SELECT substr(n.name_key, i), n.id FROM new_users n, generate_series(1, least(char_length(n.name_key), 32)) i;
    RETURN NULL;
END $$;
CREATE TRIGGER user_name_parts_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_users
    FOR EACH STATEMENT EXECUTE FUNCTION user_name_parts_insert();
CREATE FUNCTION user_name_parts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM user_name_parts p USING old_users o JOIN new_users n ON n.id = o.id
        WHERE p.user_id = o.id AND o.name_key <> n.name_key;
    INSERT INTO user_name_parts (part, user_id)
        SELECT substr(n.name_key, i), n.id FROM old_users o JOIN new_users n ON n.id = o.id,
            generate_series(1, least(char_length(n.name_key), 32)) i
        WHERE o.name_key <> n.name_key;
    RETURN NULL;
END $$;
CREATE TRIGGER user_name_parts_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users
    FOR EACH STATEMENT EXECUTE FUNCTION user_name_parts_update();
-- The admins' list of the holders of a role (an auditor among a million
-- residents): a range of this index in user order, not a walk of every user.
CREATE INDEX grants_role_user ON grants (role, user_id);
