-- Versions of the governance thesaurus that platform admins edit in the
-- browser. The newest row is the current thesaurus; no row means the one
-- shipped in internal/search/thesaurus.txt. Rows are never updated: a
-- restore is a new version, so the history says who changed what when.
CREATE TABLE thesaurus_versions (
    id              TEXT PRIMARY KEY,
    text            TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL DEFAULT '',
    created_by_name TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    lines           INTEGER NOT NULL DEFAULT 0,
    groups_count    INTEGER NOT NULL DEFAULT 0,
    rules_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX thesaurus_versions_created ON thesaurus_versions (created_at, id);
