-- The points ledger (积分): double-entry accounts and immutable postings;
-- merchant goods, one-time redemption codes, redemptions and settlements.
CREATE TABLE points_accounts (
    id         TEXT PRIMARY KEY,                -- kind:owner
    kind       TEXT NOT NULL CHECK (kind IN ('resident', 'organization', 'merchant', 'pool', 'expiry')),
    owner_id   TEXT NOT NULL,
    street_id  TEXT NOT NULL DEFAULT '',
    -- Kept in the same transaction as each posting; `huitian points verify`
    -- proves it equals the sum of the postings.
    balance    BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    CHECK (kind = 'pool' OR balance >= 0)
);

CREATE TABLE points_postings (
    id         TEXT PRIMARY KEY,
    idem_key   TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    from_id    TEXT NOT NULL REFERENCES points_accounts (id),
    to_id      TEXT NOT NULL REFERENCES points_accounts (id),
    amount     BIGINT NOT NULL CHECK (amount > 0),
    reason     TEXT NOT NULL,
    rule_id    TEXT NOT NULL DEFAULT '',
    reverses   TEXT NOT NULL DEFAULT '',
    actor_id   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (from_id <> to_id)
);
CREATE INDEX points_postings_from ON points_postings (from_id, created_at);
CREATE INDEX points_postings_to ON points_postings (to_id, created_at);

CREATE TRIGGER points_postings_no_update BEFORE UPDATE ON points_postings
BEGIN SELECT RAISE(ABORT, 'points postings are immutable'); END;
CREATE TRIGGER points_postings_no_delete BEFORE DELETE ON points_postings
BEGIN SELECT RAISE(ABORT, 'points postings are immutable'); END;

CREATE TABLE points_goods (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    name        TEXT NOT NULL,
    price       BIGINT NOT NULL CHECK (price > 0),
    stock       BIGINT NOT NULL CHECK (stock >= 0),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (merchant_id, name)
);

-- One-time codes: only the hash is kept; used_at set once.
CREATE TABLE points_codes (
    id          TEXT PRIMARY KEY,
    code_hash   TEXT NOT NULL UNIQUE,
    resident_id TEXT NOT NULL REFERENCES users (id),
    good_id     TEXT NOT NULL REFERENCES points_goods (id),
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX points_codes_resident ON points_codes (resident_id);

CREATE TABLE points_redemptions (
    id          TEXT PRIMARY KEY,
    idem_key    TEXT NOT NULL UNIQUE,
    code_id     TEXT NOT NULL UNIQUE REFERENCES points_codes (id),
    good_id     TEXT NOT NULL REFERENCES points_goods (id),
    good_name   TEXT NOT NULL,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    resident_id TEXT NOT NULL REFERENCES users (id),
    price       BIGINT NOT NULL,
    posting_id  TEXT NOT NULL REFERENCES points_postings (id),
    flags       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX points_redemptions_merchant ON points_redemptions (merchant_id, created_at);
CREATE INDEX points_redemptions_resident ON points_redemptions (resident_id, created_at);
-- A posting is reversed at most once.
CREATE UNIQUE INDEX points_postings_reverses ON points_postings (reverses) WHERE reverses <> '';

-- Opening hours of a merchant (Asia/Shanghai wall clock, "08:00"–"21:00"):
-- a redemption outside them is flagged for the street's staff.
CREATE TABLE points_merchant_hours (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants (id),
    opens       TEXT NOT NULL,
    closes      TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- A merchant's monthly statement (结算): drawn up by the street's staff
-- from the month's redemptions, then approved, which returns the points to
-- the street's pool in one posting.
CREATE TABLE points_settlements (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    month       TEXT NOT NULL,                   -- 2026-11, Beijing time
    redemptions BIGINT NOT NULL,
    total       BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at TIMESTAMP,
    posting_id  TEXT NOT NULL DEFAULT '',
    UNIQUE (merchant_id, month)
);

-- Points rules (积分规则) as data, edited by coordinators.
CREATE TABLE points_rules (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('per_hour', 'per_activity', 'participation', 'richness')),
    activity_type   TEXT NOT NULL DEFAULT '',
    points_per_hour BIGINT NOT NULL DEFAULT 0,
    points          BIGINT NOT NULL DEFAULT 0,
    daily_cap       BIGINT NOT NULL DEFAULT 0,
    threshold       BIGINT NOT NULL DEFAULT 0,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- Confirmed attendances the activities side reported, once each: what the
-- monthly bonuses count.
CREATE TABLE points_attendances (
    idem_key      TEXT PRIMARY KEY,
    resident_id   TEXT NOT NULL,
    org_id        TEXT NOT NULL DEFAULT '',
    activity_type TEXT NOT NULL,
    minutes       BIGINT NOT NULL CHECK (minutes >= 0),
    day           TEXT NOT NULL,   -- 2026-11-20, Beijing
    month         TEXT NOT NULL,   -- 2026-11
    street_id     TEXT NOT NULL REFERENCES streets (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX points_attendances_resident ON points_attendances (resident_id, month);
CREATE INDEX points_attendances_org ON points_attendances (org_id, month);

-- Awards: noticed publicly (names masked) before they are posted.
CREATE TABLE points_awards (
    id             TEXT PRIMARY KEY,
    idem_key       TEXT NOT NULL UNIQUE,
    attendance_key TEXT NOT NULL DEFAULT '',
    rule_id        TEXT NOT NULL REFERENCES points_rules (id),
    recipient      TEXT NOT NULL,
    recipient_name TEXT NOT NULL,  -- masked for residents
    street_id      TEXT NOT NULL REFERENCES streets (id),
    amount         BIGINT NOT NULL CHECK (amount > 0),
    reason         TEXT NOT NULL,
    day            TEXT NOT NULL,  -- the attendance's day, Beijing (daily caps)
    status         TEXT NOT NULL CHECK (status IN ('noticed', 'held', 'issued', 'cancelled')),
    notice_ends    TIMESTAMP NOT NULL,
    objection      TEXT NOT NULL DEFAULT '',
    objector_id    TEXT NOT NULL DEFAULT '',
    decision       TEXT NOT NULL DEFAULT '',
    decided_by     TEXT NOT NULL DEFAULT '',
    posting_id     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX points_awards_status ON points_awards (status, notice_ends);
CREATE INDEX points_awards_recipient ON points_awards (recipient, day);
