-- The day's salt of the resident portal's visitor hashes, shared by every
-- app node (a visitor whose requests reach two nodes is one visitor, and a
-- restart does not count them again). The salt of a day is deleted once
-- the day is over: after that nobody can tell whose hash a visitor was.
CREATE TABLE portal_salts (
    day  TEXT PRIMARY KEY,   -- YYYY-MM-DD, Asia/Shanghai
    salt TEXT NOT NULL       -- 32 random bytes, hex
);
