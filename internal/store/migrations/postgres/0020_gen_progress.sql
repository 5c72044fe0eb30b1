-- huitian gen: the one generation run a database holds (its scale, seed and
-- the anchor every generated time is relative to) and how many batches of
-- each unit are committed, so an interrupted run resumes where it stopped.
CREATE TABLE gen_runs (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    scale       TEXT NOT NULL,
    seed        BIGINT NOT NULL,
    version     INTEGER NOT NULL, -- gen.Version: rows of another generator would not match a resume
    anchor      TIMESTAMPTZ NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE gen_progress (
    unit       TEXT PRIMARY KEY,
    batches    BIGINT NOT NULL,
    rows_done  BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
