-- Volunteer activities (志愿活动): signups with a waiting list, check-in and
-- check-out with a rotating code or by the organizer's list, hours confirmed
-- by the organizer (integer minutes), and volunteer-hour certificates.
CREATE TABLE activities (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    type         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    team         TEXT NOT NULL DEFAULT '',
    street_id    TEXT NOT NULL REFERENCES streets (id),
    community_id TEXT REFERENCES communities (id),
    address      TEXT NOT NULL,
    starts_at    TIMESTAMPTZ NOT NULL,
    ends_at      TIMESTAMPTZ NOT NULL,
    capacity     INTEGER NOT NULL CHECK (capacity > 0),
    eligibility  TEXT NOT NULL CHECK (eligibility IN ('anyone', 'street', 'community')),
    points_rule  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled', 'finished')),
    secret       TEXT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX activities_street_start ON activities (street_id, starts_at);
CREATE INDEX activities_org ON activities (org_id);
CREATE INDEX activities_status_start ON activities (status, starts_at);

-- Where a resident lives, for activities open to one street or community.
CREATE TABLE resident_homes (
    user_id      TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    community_id TEXT NOT NULL REFERENCES communities (id),
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE activity_signups (
    id                TEXT PRIMARY KEY,
    activity_id       TEXT NOT NULL REFERENCES activities (id),
    user_id           TEXT NOT NULL REFERENCES users (id),
    status            TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    queued_at         TIMESTAMPTZ NOT NULL,
    checkin_at        TIMESTAMPTZ,
    checkin_method    TEXT NOT NULL DEFAULT '' CHECK (checkin_method IN ('', 'code', 'list')),
    checkout_at       TIMESTAMPTZ,
    checkout_method   TEXT NOT NULL DEFAULT '' CHECK (checkout_method IN ('', 'code', 'list')),
    minutes           INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    confirmed_minutes INTEGER CHECK (confirmed_minutes >= 0),
    confirmed_at      TIMESTAMPTZ,
    confirmed_by      TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (activity_id, user_id)
);
CREATE INDEX activity_signups_user ON activity_signups (user_id, checkin_at);
CREATE INDEX activity_signups_queue ON activity_signups (activity_id, status, queued_at);
CREATE INDEX activity_signups_confirmed ON activity_signups (confirmed_at);

-- A printed certificate of volunteer hours (志愿服务时长证明), verifiable by its token.
CREATE TABLE volunteer_certificates (
    token      TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    minutes    INTEGER NOT NULL,
    activities INTEGER NOT NULL,
    first_at   TIMESTAMPTZ,
    last_at    TIMESTAMPTZ,
    issued_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX volunteer_certificates_user ON volunteer_certificates (user_id);

-- Volunteer teams (志愿服务队) are organizations of kind 'team'.
ALTER TABLE organizations ADD COLUMN kind TEXT NOT NULL DEFAULT 'organization' CHECK (kind IN ('organization', 'team'));
