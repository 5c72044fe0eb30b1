-- Grants (基金会与微创投): funds and donations, micro-venture rounds,
-- applications, reviews, agreements with tranches, expenses with receipts.
-- Money is integer fen and moves only as postings of a double-entry ledger
-- kept by the same engine as the points ledger (store/ledger.go).
CREATE TABLE grant_funds (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('general', 'restricted', 'street')),
    purpose     TEXT NOT NULL DEFAULT '',
    street_id   TEXT REFERENCES streets (id),
    description TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- Accounts: donor (the outside world, per fund: the only kind that may go
-- negative), fund, round (budget reserved from a fund), award (committed to
-- an organization), grantee (paid out to it), spent (its approved expenses).
CREATE TABLE grant_accounts (
    id         TEXT PRIMARY KEY,                -- kind:owner
    kind       TEXT NOT NULL CHECK (kind IN ('donor', 'fund', 'round', 'award', 'grantee', 'spent')),
    owner_id   TEXT NOT NULL,
    fund_id    TEXT NOT NULL,
    round_id   TEXT NOT NULL DEFAULT '',
    balance    BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (kind = 'donor' OR balance >= 0)
);
CREATE INDEX grant_accounts_fund ON grant_accounts (fund_id);
CREATE INDEX grant_accounts_round ON grant_accounts (round_id);

CREATE TABLE grant_postings (
    id         TEXT PRIMARY KEY,
    idem_key   TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    from_id    TEXT NOT NULL REFERENCES grant_accounts (id),
    to_id      TEXT NOT NULL REFERENCES grant_accounts (id),
    amount     BIGINT NOT NULL CHECK (amount > 0 AND amount <= 1000000000000),
    reason     TEXT NOT NULL,
    ref_id     TEXT NOT NULL DEFAULT '',       -- the donation, application, tranche or expense
    reverses   TEXT NOT NULL DEFAULT '',
    actor_id   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (from_id <> to_id)
);
CREATE INDEX grant_postings_from ON grant_postings (from_id, created_at);
CREATE INDEX grant_postings_to ON grant_postings (to_id, created_at);
CREATE INDEX grant_postings_ref ON grant_postings (ref_id);
CREATE UNIQUE INDEX grant_postings_reverses ON grant_postings (reverses) WHERE reverses <> '';

CREATE FUNCTION grant_postings_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'grant postings are immutable';
END $$;
CREATE TRIGGER grant_postings_no_change BEFORE UPDATE OR DELETE ON grant_postings
    FOR EACH ROW EXECUTE FUNCTION grant_postings_immutable();

CREATE TABLE grant_donations (
    id            TEXT PRIMARY KEY,
    fund_id       TEXT NOT NULL REFERENCES grant_funds (id),
    donor_name    TEXT NOT NULL,
    anonymous     BOOLEAN NOT NULL DEFAULT FALSE,
    amount        BIGINT NOT NULL CHECK (amount > 0),
    channel       TEXT NOT NULL CHECK (channel IN ('bank', 'wechat', 'alipay', 'cash', 'other')),
    restriction   TEXT NOT NULL DEFAULT '',
    receipt_no    TEXT NOT NULL UNIQUE,
    receipt_token TEXT NOT NULL UNIQUE,        -- the donor's receipt link
    donated_on    TEXT NOT NULL,               -- 2026-11-20, Beijing
    posting_id    TEXT NOT NULL REFERENCES grant_postings (id),
    recorded_by   TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX grant_donations_fund ON grant_donations (fund_id, created_at);

CREATE TABLE grant_rounds (
    id          TEXT PRIMARY KEY,
    fund_id     TEXT NOT NULL REFERENCES grant_funds (id),
    name        TEXT NOT NULL UNIQUE,
    route       TEXT NOT NULL CHECK (route IN ('micro_venture', 'foundation_grant')),
    street_id   TEXT REFERENCES streets (id),  -- owner: a street, or the foundation when NULL
    budget      BIGINT NOT NULL CHECK (budget > 0),
    match_pct   INTEGER NOT NULL CHECK (match_pct BETWEEN 1 AND 100),
    themes      TEXT NOT NULL DEFAULT '',      -- taxonomy codes, comma separated
    eligibility TEXT NOT NULL CHECK (eligibility IN ('any', 'street_orgs', 'registered')),
    criteria    TEXT NOT NULL DEFAULT '',      -- review criteria, one a line
    description TEXT NOT NULL DEFAULT '',
    opens_on    TEXT NOT NULL,
    closes_on   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'reviewing', 'finished')),
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- Governance micro-projects a community posts into a round (选题).
CREATE TABLE grant_topics (
    id           TEXT PRIMARY KEY,
    round_id     TEXT NOT NULL REFERENCES grant_rounds (id),
    community_id TEXT NOT NULL REFERENCES communities (id),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX grant_topics_round ON grant_topics (round_id);

CREATE TABLE grant_applications (
    id           TEXT PRIMARY KEY,
    round_id     TEXT NOT NULL REFERENCES grant_rounds (id),
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    topic_id     TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    problem      TEXT NOT NULL,
    plan         TEXT NOT NULL,
    team         TEXT NOT NULL DEFAULT '',
    milestones   TEXT NOT NULL,                -- JSON: [{"title","due","pct"}]
    request      BIGINT NOT NULL CHECK (request > 0),
    match_cash   BIGINT NOT NULL DEFAULT 0 CHECK (match_cash >= 0),
    match_hours  BIGINT NOT NULL DEFAULT 0 CHECK (match_hours >= 0),  -- volunteer hours
    match_hours_value BIGINT NOT NULL DEFAULT 0 CHECK (match_hours_value >= 0),  -- their value in fen
    status       TEXT NOT NULL CHECK (status IN ('submitted', 'under_review', 'awarded', 'declined', 'withdrawn')),
    award        BIGINT NOT NULL DEFAULT 0,
    reason       TEXT NOT NULL DEFAULT '',     -- the published decision
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMPTZ,
    submitted_by TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (round_id, org_id)
);

CREATE TABLE grant_budget_lines (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES grant_applications (id),
    position       INTEGER NOT NULL,
    category       TEXT NOT NULL CHECK (category IN ('personnel', 'materials', 'venue', 'publicity', 'transport', 'other')),
    item           TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount > 0),
    UNIQUE (application_id, position)
);

-- Reviews: a conflict declared means no score.
CREATE TABLE grant_reviews (
    application_id TEXT NOT NULL REFERENCES grant_applications (id),
    reviewer_id    TEXT NOT NULL,
    conflict       BOOLEAN NOT NULL,
    conflict_note  TEXT NOT NULL DEFAULT '',
    score          INTEGER CHECK (score BETWEEN 0 AND 100),
    comment        TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, reviewer_id)
);

CREATE TABLE grant_agreements (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL UNIQUE REFERENCES grant_applications (id),
    round_id       TEXT NOT NULL REFERENCES grant_rounds (id),
    org_id         TEXT NOT NULL REFERENCES organizations (id),
    amount         BIGINT NOT NULL CHECK (amount > 0),
    status         TEXT NOT NULL CHECK (status IN ('active', 'completed', 'terminated')),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE grant_tranches (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES grant_agreements (id),
    position     INTEGER NOT NULL,
    milestone    TEXT NOT NULL,
    due_on       TEXT NOT NULL DEFAULT '',
    amount       BIGINT NOT NULL CHECK (amount > 0),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'reported', 'accepted', 'paid', 'cancelled')),
    report       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    pay_key      TEXT NOT NULL DEFAULT '',
    posting_id   TEXT NOT NULL DEFAULT '',
    paid_by      TEXT NOT NULL DEFAULT '',
    paid_at      TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (agreement_id, position)
);

CREATE TABLE grant_expenses (
    id               TEXT PRIMARY KEY,
    agreement_id     TEXT NOT NULL REFERENCES grant_agreements (id),
    line_id          TEXT NOT NULL REFERENCES grant_budget_lines (id),
    category         TEXT NOT NULL,
    description      TEXT NOT NULL,
    payee            TEXT NOT NULL,
    payee_personal   BOOLEAN NOT NULL DEFAULT FALSE,  -- a person: masked on public pages
    amount           BIGINT NOT NULL CHECK (amount > 0),
    spent_on         TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected')),
    approvals_needed INTEGER NOT NULL CHECK (approvals_needed IN (1, 2)),
    author_id        TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    posting_id       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX grant_expenses_agreement ON grant_expenses (agreement_id);

CREATE TABLE grant_expense_decisions (
    expense_id  TEXT NOT NULL REFERENCES grant_expenses (id),
    approver_id TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (expense_id, approver_id)
);

-- Receipt files of expenses (the documents table's shape and rules).
CREATE TABLE grant_files (
    id          TEXT PRIMARY KEY,
    expense_id  TEXT NOT NULL REFERENCES grant_expenses (id),
    name        TEXT NOT NULL,
    mime_type   TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    content     BYTEA NOT NULL,
    personal    BOOLEAN NOT NULL DEFAULT FALSE,  -- shows a person's data: hidden on public pages
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX grant_files_expense ON grant_files (expense_id);
