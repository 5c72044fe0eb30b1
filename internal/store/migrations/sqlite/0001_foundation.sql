-- Foundation: places, organizations, accounts, sessions, audit.
CREATE TABLE streets (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('street', 'town')),
    district   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE communities (
    id         TEXT PRIMARY KEY,
    street_id  TEXT NOT NULL REFERENCES streets (id),
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (street_id, name)
);
CREATE INDEX communities_name ON communities (name);

CREATE TABLE complexes (
    id           TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities (id),
    name         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE organizations (
    id            TEXT PRIMARY KEY,
    source_key    TEXT UNIQUE,
    name          TEXT NOT NULL,
    registration  TEXT NOT NULL CHECK (registration IN ('registered', 'filed')),
    credit_code   TEXT UNIQUE,
    category      TEXT NOT NULL DEFAULT '',
    street_id     TEXT NOT NULL REFERENCES streets (id),
    community_id  TEXT REFERENCES communities (id),
    description   TEXT NOT NULL DEFAULT '',
    founded       TEXT NOT NULL DEFAULT '',
    party_form    TEXT NOT NULL CHECK (party_form IN ('independent', 'joint', 'instructor', 'functional', 'none')),
    staff         INTEGER NOT NULL DEFAULT 0 CHECK (staff >= 0),
    volunteers    INTEGER NOT NULL DEFAULT 0 CHECK (volunteers >= 0),
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX organizations_street ON organizations (street_id);
CREATE INDEX organizations_community ON organizations (community_id);
CREATE INDEX organizations_name ON organizations (name);

CREATE TABLE organization_domains (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    domain          TEXT NOT NULL,
    PRIMARY KEY (organization_id, domain)
);
CREATE INDEX organization_domains_domain ON organization_domains (domain);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    phone         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE grants (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    scope_id   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, role, scope_id)
);
CREATE INDEX grants_scope ON grants (scope_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_hash   TEXT PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);

CREATE TABLE login_codes (
    phone      TEXT PRIMARY KEY,
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_entries (
    seq         BIGINT PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    street_id   TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_entries_object ON audit_entries (object_kind, object_id);
CREATE INDEX audit_entries_actor ON audit_entries (actor_id);
