-- The governance procurement platform: needs, proposals, evaluation, award,
-- contract, delivery, acceptance, and the public timeline.
CREATE TABLE needs (
    id                  TEXT PRIMARY KEY,
    source_key          TEXT UNIQUE,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    street_id           TEXT NOT NULL REFERENCES streets (id),
    community_id        TEXT REFERENCES communities (id), -- NULL: the whole street
    category            TEXT NOT NULL DEFAULT '',
    budget_fen          BIGINT NOT NULL CHECK (budget_fen > 0),
    deadline            TIMESTAMPTZ,
    qa_cutoff           TIMESTAMPTZ,
    procedure           TEXT NOT NULL CHECK (procedure IN ('open', 'invited', 'direct')),
    qualifications      TEXT NOT NULL DEFAULT '',
    justification       TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    return_comment      TEXT NOT NULL DEFAULT '',
    objection_days      INTEGER NOT NULL DEFAULT 5,
    awarded_at          TIMESTAMPTZ,
    awarded_org_id      TEXT REFERENCES organizations (id),
    awarded_proposal_id TEXT,
    retender_of         TEXT REFERENCES needs (id),
    created_by          TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    published_at        TIMESTAMPTZ
);
CREATE INDEX needs_street ON needs (street_id, status);
CREATE INDEX needs_community ON needs (community_id, status);
CREATE INDEX needs_status ON needs (status, deadline);
CREATE INDEX needs_awarded_org ON needs (awarded_org_id);

CREATE TABLE need_criteria (
    id       TEXT PRIMARY KEY,
    need_id  TEXT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    weight   INTEGER NOT NULL CHECK (weight > 0 AND weight <= 100)
);
CREATE INDEX need_criteria_need ON need_criteria (need_id, position);

CREATE TABLE need_invites (
    need_id TEXT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    org_id  TEXT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (need_id, org_id)
);

CREATE TABLE need_events (
    id          TEXT PRIMARY KEY,
    need_id     TEXT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX need_events_need ON need_events (need_id, at);

CREATE TABLE proposals (
    id              TEXT PRIMARY KEY,
    need_id         TEXT NOT NULL REFERENCES needs (id),
    org_id          TEXT NOT NULL REFERENCES organizations (id),
    summary         TEXT NOT NULL,
    plan            TEXT NOT NULL,
    team            TEXT NOT NULL DEFAULT '',
    price_fen       BIGINT NOT NULL CHECK (price_fen > 0),
    duration_days   INTEGER NOT NULL CHECK (duration_days > 0),
    status          TEXT NOT NULL,
    needs_reconfirm BOOLEAN NOT NULL DEFAULT FALSE,
    receipt         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    submitted_by    TEXT NOT NULL,
    submitted_at    TIMESTAMPTZ NOT NULL,
    withdrawn_at    TIMESTAMPTZ,
    UNIQUE (org_id, idempotency_key)
);
CREATE INDEX proposals_need ON proposals (need_id, status);
-- One live proposal per organization per need.
CREATE UNIQUE INDEX proposals_one_live ON proposals (need_id, org_id) WHERE status = 'submitted';

CREATE TABLE questions (
    id          TEXT PRIMARY KEY,
    need_id     TEXT NOT NULL REFERENCES needs (id),
    org_id      TEXT REFERENCES organizations (id),
    asked_by    TEXT NOT NULL,
    text        TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    asked_at    TIMESTAMPTZ NOT NULL,
    answered_by TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMPTZ
);
CREATE INDEX questions_need ON questions (need_id, asked_at);

CREATE TABLE panel_members (
    need_id     TEXT NOT NULL REFERENCES needs (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    declared    BOOLEAN NOT NULL DEFAULT FALSE,
    conflicted  BOOLEAN NOT NULL DEFAULT FALSE,
    statement   TEXT NOT NULL DEFAULT '',
    assigned_at TIMESTAMPTZ NOT NULL,
    declared_at TIMESTAMPTZ,
    PRIMARY KEY (need_id, user_id)
);

CREATE TABLE scores (
    need_id      TEXT NOT NULL REFERENCES needs (id),
    proposal_id  TEXT NOT NULL REFERENCES proposals (id),
    reviewer_id  TEXT NOT NULL REFERENCES users (id),
    criterion_id TEXT NOT NULL REFERENCES need_criteria (id),
    points       INTEGER NOT NULL CHECK (points >= 0 AND points <= 100),
    comment      TEXT NOT NULL DEFAULT '',
    scored_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (proposal_id, reviewer_id, criterion_id)
);
CREATE INDEX scores_need ON scores (need_id);

CREATE TABLE awards (
    need_id     TEXT PRIMARY KEY REFERENCES needs (id),
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    reason      TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    decided_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE objections (
    id          TEXT PRIMARY KEY,
    need_id     TEXT NOT NULL REFERENCES needs (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    text        TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    filed_at    TIMESTAMPTZ NOT NULL,
    answered_by TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMPTZ
);
CREATE INDEX objections_need ON objections (need_id);

CREATE TABLE contracts (
    need_id    TEXT PRIMARY KEY REFERENCES needs (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    start_at   TIMESTAMPTZ NOT NULL,
    end_at     TIMESTAMPTZ NOT NULL,
    amendment  TEXT NOT NULL DEFAULT '',
    signed_by  TEXT NOT NULL,
    signed_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE milestones (
    id         TEXT PRIMARY KEY,
    need_id    TEXT NOT NULL REFERENCES needs (id),
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    due        TIMESTAMPTZ NOT NULL,
    amount_fen BIGINT NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    status     TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX milestones_need ON milestones (need_id, position);

CREATE TABLE reports (
    id           TEXT PRIMARY KEY,
    need_id      TEXT NOT NULL REFERENCES needs (id),
    milestone_id TEXT NOT NULL REFERENCES milestones (id),
    text         TEXT NOT NULL,
    by_user      TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX reports_need ON reports (need_id, at);

CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    need_id     TEXT NOT NULL REFERENCES needs (id),
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('need', 'proposal', 'report', 'contract')),
    owner_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    mime_type   TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    content     BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_owner ON documents (owner_kind, owner_id);
CREATE INDEX documents_need ON documents (need_id);

CREATE TABLE acceptances (
    need_id TEXT PRIMARY KEY REFERENCES needs (id),
    result  TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    by_user TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE ratings (
    need_id TEXT NOT NULL REFERENCES needs (id),
    user_id TEXT NOT NULL,
    stars   INTEGER NOT NULL CHECK (stars >= 1 AND stars <= 5),
    comment TEXT NOT NULL DEFAULT '',
    at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (need_id, user_id)
);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    need_id    TEXT REFERENCES needs (id),
    kind       TEXT NOT NULL,
    args       TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);

CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    channel    TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    args       TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ,
    attempts   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (sent_at, created_at);
