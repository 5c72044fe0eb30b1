-- The same-style solution catalog (同款方案): completed projects distilled
-- into standardized, versioned solutions that communities adopt.
CREATE TABLE solutions (
    id                TEXT PRIMARY KEY,
    -- The latest version's state, or archived / merged for the whole solution.
    status            TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published', 'archived', 'merged')),
    org_id            TEXT REFERENCES organizations (id), -- the proposing organization; NULL: platform staff
    created_by        TEXT NOT NULL DEFAULT '',
    merged_into       TEXT REFERENCES solutions (id),
    published_version INTEGER NOT NULL DEFAULT 0, -- the current published version, 0: never published
    latest_version    INTEGER NOT NULL DEFAULT 1,
    category          TEXT NOT NULL DEFAULT '',   -- of the current published version, else the latest
    review_comment    TEXT NOT NULL DEFAULT '',   -- the coordinator's comment when returned
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    published_at      TIMESTAMPTZ                 -- when the current published version was published
);
CREATE INDEX solutions_status ON solutions (status, category);
CREATE INDEX solutions_org ON solutions (org_id);

-- One row per version; a published version is never updated again. Lists
-- and structured parts are JSON text (read and written whole, never queried).
CREATE TABLE solution_versions (
    solution_id       TEXT NOT NULL REFERENCES solutions (id),
    version           INTEGER NOT NULL CHECK (version > 0),
    status            TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published')),
    title             TEXT NOT NULL,
    problem           TEXT NOT NULL,
    summary           TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL,
    tags              TEXT NOT NULL DEFAULT '[]',
    suits             TEXT NOT NULL DEFAULT '{}',
    steps             TEXT NOT NULL DEFAULT '[]',
    inputs            TEXT NOT NULL DEFAULT '{}',
    budget_min_fen    BIGINT NOT NULL CHECK (budget_min_fen > 0),
    budget_max_fen    BIGINT NOT NULL CHECK (budget_max_fen >= budget_min_fen),
    duration_min_days INTEGER NOT NULL CHECK (duration_min_days > 0),
    duration_max_days INTEGER NOT NULL CHECK (duration_max_days >= duration_min_days),
    outcomes          TEXT NOT NULL DEFAULT '[]',
    risks             TEXT NOT NULL DEFAULT '[]',
    attachments       TEXT NOT NULL DEFAULT '[]',
    note              TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    submitted_at      TIMESTAMPTZ,
    published_at      TIMESTAMPTZ,
    published_by      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (solution_id, version)
);

-- The organizations that deliver a version.
CREATE TABLE solution_providers (
    solution_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (solution_id, version, org_id),
    FOREIGN KEY (solution_id, version) REFERENCES solution_versions (solution_id, version)
);
CREATE INDEX solution_providers_org ON solution_providers (org_id);

-- Evidence: the completed projects that used a solution — those it was
-- proposed from, and adopting needs once accepted (written in the
-- acceptance's transaction). Every evidence figure is computed from these
-- projects' own records; a merge moves the rows to the absorbing solution.
CREATE TABLE solution_projects (
    solution_id TEXT NOT NULL REFERENCES solutions (id),
    need_id     TEXT NOT NULL REFERENCES needs (id),
    source      TEXT NOT NULL CHECK (source IN ('proposed', 'adopted')),
    linked_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (solution_id, need_id)
);
CREATE INDEX solution_projects_need ON solution_projects (need_id);

-- A need that adopted a solution (采用同款) records which, and which version.
ALTER TABLE needs ADD COLUMN adopted_solution_id TEXT REFERENCES solutions (id);
ALTER TABLE needs ADD COLUMN adopted_solution_version INTEGER;
CREATE INDEX needs_adopted_solution ON needs (adopted_solution_id);
