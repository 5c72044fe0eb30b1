-- Lists that must cost the same at a city's scale as at a street's: each
-- index gives a list its order, or a count its covering scan, without
-- reading and sorting the whole table.
-- The need board: everything but open tenders, most recently changed first
-- (store.FindNeeds), with and without a status filter.
CREATE INDEX needs_updated ON needs (updated_at, id);
CREATE INDEX needs_status_updated ON needs (status, updated_at, id);
-- The home page: registered organizations, the newest ones, and the
-- count per category.
CREATE INDEX organizations_registration ON organizations (registration);
CREATE INDEX organizations_created ON organizations (created_at, id);
CREATE INDEX organizations_category ON organizations (category);
