-- Resident portal (issue #10): sessions kept 30 days on a resident's own
-- phone, preferences (elderly mode, publishing one's name), community
-- notices, resident-raised needs (居民提需求) with "我也遇到", passkeys,
-- and cookie-free visit counts for the dashboard.
ALTER TABLE sessions ADD COLUMN remember BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE user_prefs (
    user_id      TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    elderly_mode BOOLEAN NOT NULL DEFAULT FALSE,
    publish_name BOOLEAN NOT NULL DEFAULT TRUE,  -- consent to show the (masked) name publicly
    deleted_at   TIMESTAMPTZ,                      -- set when the account was deleted (anonymized)
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE community_notices (
    id           TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities (id),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX community_notices_community ON community_notices (community_id, created_at);

CREATE TABLE suggestions (
    id           TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    body         TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    photo        BYTEA,
    photo_type   TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('open', 'replied', 'merged', 'converted', 'closed')),
    reply        TEXT NOT NULL DEFAULT '',
    replied_by   TEXT NOT NULL DEFAULT '',
    merged_into  TEXT REFERENCES suggestions (id),
    need_id      TEXT REFERENCES needs (id),
    assisted_by  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX suggestions_community ON suggestions (community_id, status, created_at);
CREATE INDEX suggestions_user ON suggestions (user_id);

CREATE TABLE suggestion_supports (
    suggestion_id TEXT NOT NULL REFERENCES suggestions (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (suggestion_id, user_id)
);

CREATE TABLE passkeys (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,          -- base64url
    credential    TEXT NOT NULL,                 -- the library's credential as JSON
    name          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE portal_visits (
    day      TEXT NOT NULL,                      -- YYYY-MM-DD, Asia/Shanghai
    path     TEXT NOT NULL,
    views    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, path)
);

-- One row per visitor and day: a salted hash that changes daily, never the address.
CREATE TABLE portal_visitors (
    day     TEXT NOT NULL,
    visitor TEXT NOT NULL,
    PRIMARY KEY (day, visitor)
);
