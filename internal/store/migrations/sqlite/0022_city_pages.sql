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
-- The activities page (store.FindActivities): upcoming or past public
-- activities in time order, counted and cut from this index alone, without
-- reading each activity's row.
DROP INDEX activities_status_start;
CREATE INDEX activities_status_start ON activities (status, starts_at, ends_at, id);
-- The solutions' lead times (store.CategoryStats, SolutionStats): the most
-- recently published contracted needs of a category, newest first.
CREATE INDEX needs_category_published ON needs (category, published_at);
