-- Lists that must cost the same at a city's scale as at a street's: each
-- index gives a list its order, or a count its covering scan, without
-- reading and sorting the whole table.
-- The need board (store.FindNeeds): open tenders closing soonest first, to
-- the last tie (so a page stops after its rows, not after every need that
-- closes the same day); then everything else, most recently changed first,
-- with and without a status filter.
DROP INDEX needs_status;
CREATE INDEX needs_status ON needs (status, deadline, id);
CREATE INDEX needs_updated ON needs (updated_at, id);
CREATE INDEX needs_status_updated ON needs (status, updated_at, id);
-- The home page: registered organizations, the newest ones, and the
-- count per category.
CREATE INDEX organizations_registration ON organizations (registration);
CREATE INDEX organizations_created ON organizations (created_at, id);
CREATE INDEX organizations_category ON organizations (category);
