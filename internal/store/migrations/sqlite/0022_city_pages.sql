-- Pages that must cost the same at a city's scale (100,000 organizations,
-- 1,000,000 residents) as at a street's.
-- The directory filtered by street, community or category, in its default
-- order (name): a page is read in an index's order instead of sorting every
-- organization of the filter. Each replaces the index of its first column.
DROP INDEX organizations_street;
CREATE INDEX organizations_street_name ON organizations (street_id, name_sort, id);
DROP INDEX organizations_community;
CREATE INDEX organizations_community_name ON organizations (community_id, name_sort, id);
DROP INDEX organizations_category;
CREATE INDEX organizations_category_name ON organizations (category, name_sort, id);
-- The admins' list of users (store.FindUsers), oldest first.
CREATE INDEX users_created ON users (created_at, id);
