-- How many people a project reached (受益人次), reported by the community
-- at acceptance; NULL when not reported. The solution catalog's cost per
-- beneficiary divides the projects' amounts by it.
ALTER TABLE acceptances ADD COLUMN beneficiaries INTEGER;
