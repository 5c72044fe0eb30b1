-- Admin pages, exports and the OCDS feed at a city's scale (100,000
-- organizations, 1,000,000 needs and residents).
-- The admins' user search by name (store.FindUsers): a name's beginning
-- (a surname, a full name) found by a range of this index, in name order,
-- instead of a scan of a million names for '%…%'. The key is the name with
-- ASCII letters lowered, computed by the database (accounts.NameKey says
-- the same in Go); stored, and compared byte by byte (COLLATE "C", as
-- SQLite does) whatever the database's collation, so that a prefix is a range.
ALTER TABLE users ADD COLUMN name_key TEXT COLLATE "C" GENERATED ALWAYS AS (lower(name COLLATE "C")) STORED;
CREATE INDEX users_name_key ON users (name_key, id);
-- The organization export (store.EachOrganization): a street's organizations
-- in name order, read a page at a time after the last one written.
CREATE INDEX organizations_street_plain_name ON organizations (street_id, name, id);
-- The OCDS feed since a date (store.FindOCDSNeedIDsSince): the needs that
-- changed since then found from the changes' dates, not by testing every
-- need.
CREATE INDEX needs_published ON needs (published_at);
CREATE INDEX needs_deadline ON needs (deadline);
CREATE INDEX needs_awarded_at ON needs (awarded_at);
CREATE INDEX need_events_at ON need_events (at, need_id);
CREATE INDEX awards_decided ON awards (decided_at);
-- contracts (signed_at) is indexed by 0023 (the dashboard), which the feed uses too.
CREATE INDEX contracts_start ON contracts (start_at);
CREATE INDEX acceptances_at ON acceptances (at);
CREATE INDEX ratings_at ON ratings (at, need_id);
