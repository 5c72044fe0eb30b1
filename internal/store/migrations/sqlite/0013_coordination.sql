-- Coordination (issue #9): joint meetings (联席会) with their parties,
-- resolutions and action items (督办事项) with a kept history; and
-- party-building links: party-organization form history, co-building pairs
-- (党建联建) with joint activities, instructors (党建指导员) with visits.
CREATE TABLE meetings (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    held_at      TIMESTAMP NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    street_id    TEXT REFERENCES streets (id), -- NULL: convened by the district
    agenda       TEXT NOT NULL DEFAULT '[]',   -- JSON array of items
    departments  TEXT NOT NULL DEFAULT '[]',   -- JSON array of free-text names
    minutes      TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP,                    -- NULL: not public
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX meetings_held ON meetings (held_at);
CREATE INDEX meetings_street ON meetings (street_id);

CREATE TABLE meeting_parties (
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('street', 'community', 'organization')),
    ref_id     TEXT NOT NULL,
    PRIMARY KEY (meeting_id, kind, ref_id)
);

CREATE TABLE meeting_resolutions (
    id         TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, seq)
);

CREATE TABLE meeting_actions (
    id              TEXT PRIMARY KEY,
    meeting_id      TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    resolution_id   TEXT REFERENCES meeting_resolutions (id),
    title           TEXT NOT NULL,
    owner_kind      TEXT NOT NULL CHECK (owner_kind IN ('user', 'street', 'community', 'organization')),
    owner_id        TEXT NOT NULL,
    owner_street_id TEXT,
    due             TIMESTAMP NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX meeting_actions_meeting ON meeting_actions (meeting_id);
CREATE INDEX meeting_actions_owner ON meeting_actions (owner_kind, owner_id);
CREATE INDEX meeting_actions_due ON meeting_actions (status, due);

CREATE TABLE meeting_action_updates (
    id          TEXT PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES meeting_actions (id) ON DELETE CASCADE,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_action_updates_action ON meeting_action_updates (action_id, at);

CREATE TABLE party_form_changes (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    form       TEXT NOT NULL CHECK (form IN ('independent', 'joint', 'instructor', 'functional', 'none')),
    since      TIMESTAMP NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX party_form_changes_org ON party_form_changes (org_id, since);

CREATE TABLE party_pairings (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    partner_kind TEXT NOT NULL CHECK (partner_kind IN ('street', 'community')),
    partner_id   TEXT NOT NULL,
    since        TIMESTAMP NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (org_id, partner_kind, partner_id)
);

CREATE TABLE party_activities (
    id         TEXT PRIMARY KEY,
    pairing_id TEXT NOT NULL REFERENCES party_pairings (id) ON DELETE CASCADE,
    held_on    TIMESTAMP NOT NULL,
    title      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX party_activities_pairing ON party_activities (pairing_id, held_on);

CREATE TABLE party_instructors (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    since      TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, user_id)
);
CREATE INDEX party_instructors_user ON party_instructors (user_id);

CREATE TABLE party_visits (
    id            TEXT PRIMARY KEY,
    instructor_id TEXT NOT NULL REFERENCES party_instructors (id) ON DELETE CASCADE,
    visited_on    TIMESTAMP NOT NULL,
    note          TEXT NOT NULL,
    by_name       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX party_visits_instructor ON party_visits (instructor_id, visited_on);
