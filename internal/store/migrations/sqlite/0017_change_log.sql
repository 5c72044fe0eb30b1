-- Committed changes of organizations, needs and solutions in commit order,
-- so every app node's search indexes follow what the others wrote
-- (Store.FollowChanges). Rows are pruned after a day: a node that was down
-- longer rebuilds its indexes from the tables at start anyway.
CREATE TABLE change_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    node      TEXT NOT NULL,      -- the writing process (its own changes reach it at once)
    kind      TEXT NOT NULL,      -- organization | need | solution | everything
    object_id TEXT NOT NULL,
    at        TIMESTAMP NOT NULL
);
CREATE INDEX change_log_at ON change_log (at);
