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
-- The directory in its default order, unfiltered: a page's ids from the
-- index alone.
DROP INDEX organizations_name_sort;
CREATE INDEX organizations_name_sort ON organizations (name_sort, id);
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
-- The activities of a street in time order (the assisted sign-up's next 30
-- days, the activities page filtered by street), from this index alone.
DROP INDEX activities_street_start;
CREATE INDEX activities_street_start ON activities (street_id, starts_at, ends_at, status, id);
-- The number of organizations per street, category and registration, kept
-- by triggers in the same transaction as every change of an organization,
-- whichever code path makes it (the pages, the API, imports, huitian gen):
-- the home page, the street lists and the category counts add up at most a
-- few hundred rows instead of counting 100,000 organizations on each visit.
CREATE TABLE organization_tallies (
    street_id    TEXT NOT NULL,
    category     TEXT NOT NULL,
    registration TEXT NOT NULL,
    n            BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (street_id, category, registration)
);
INSERT INTO organization_tallies (street_id, category, registration, n)
    SELECT street_id, category, registration, COUNT(*) FROM organizations GROUP BY street_id, category, registration;
CREATE FUNCTION organization_tallies_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.street_id = NEW.street_id AND OLD.category = NEW.category
        AND OLD.registration = NEW.registration THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE organization_tallies SET n = n - 1
            WHERE street_id = OLD.street_id AND category = OLD.category AND registration = OLD.registration;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO organization_tallies (street_id, category, registration, n)
            VALUES (NEW.street_id, NEW.category, NEW.registration, 1)
            ON CONFLICT (street_id, category, registration) DO UPDATE SET n = organization_tallies.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER organization_tallies_keep AFTER INSERT OR DELETE OR UPDATE OF street_id, category, registration
    ON organizations FOR EACH ROW EXECUTE FUNCTION organization_tallies_keep();
