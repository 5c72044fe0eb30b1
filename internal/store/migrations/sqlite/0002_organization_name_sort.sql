-- Directory order by pinyin: a collation key computed by the application
-- (registry.SortKey) and backfilled by Migrate for existing rows.
ALTER TABLE organizations ADD COLUMN name_sort TEXT NOT NULL DEFAULT '';
CREATE INDEX organizations_name_sort ON organizations (name_sort);
