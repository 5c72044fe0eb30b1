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
    part    TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (part, user_id)
) WITHOUT ROWID;
-- A user's parts: a rename replaces them, a deletion cascades to them, and
-- the search keeps a user once (at its first part that holds q).
CREATE INDEX user_name_parts_user ON user_name_parts (user_id, part);
-- json_each of the positions 1…32: SQLite's triggers take no WITH RECURSIVE.
INSERT INTO user_name_parts (part, user_id)
    SELECT substr(u.name_key, j.value), u.id FROM users u, json_each('[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]') j
    WHERE j.value <= length(u.name_key);
CREATE TRIGGER user_name_parts_insert AFTER INSERT ON users
BEGIN
    INSERT INTO user_name_parts (part, user_id)
        SELECT substr(NEW.name_key, j.value), NEW.id FROM json_each('[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]') j
        WHERE j.value <= length(NEW.name_key);
END;
CREATE TRIGGER user_name_parts_update AFTER UPDATE OF name ON users
    WHEN OLD.name <> NEW.name
BEGIN
    DELETE FROM user_name_parts WHERE user_id = OLD.id;
    INSERT INTO user_name_parts (part, user_id)
        SELECT substr(NEW.name_key, j.value), NEW.id FROM json_each('[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]') j
        WHERE j.value <= length(NEW.name_key);
END;
-- The admins' list of the holders of a role (an auditor among a million
-- residents): a range of this index in user order, not a walk of every user.
CREATE INDEX grants_role_user ON grants (role, user_id);
