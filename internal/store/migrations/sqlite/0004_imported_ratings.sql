-- Past projects imported from another system (huitian import projects) come
-- with the source's average resident satisfaction (e.g. 4.7) but not the
-- single ratings behind it. It is kept as it was given, on the project's
-- acceptance, so the organization's track record shows exactly that average;
-- residents' own ratings on the platform stay in ratings.
ALTER TABLE acceptances ADD COLUMN imported_rating REAL
    CHECK (imported_rating IS NULL OR (imported_rating >= 1 AND imported_rating <= 5));
