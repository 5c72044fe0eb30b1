-- The dashboard's figures at a city's scale (issue #11): per-day,
-- per-street rollups that store.Overview sums instead of reading every need,
-- contract and points posting, plus a live read of what is not rolled yet.
-- A "day" is an Asia/Shanghai date (YYYY-MM-DD), the unit of the filter.
--
-- dash_rollup_state.through: every day before it is rolled (the background
-- job, store.RollupDashboard, advances it to yesterday with an hour's margin
-- for commit lag); '' is nothing rolled (a fresh or rebuilt database: the
-- dashboard reads everything live until the job has caught up).
CREATE TABLE dash_rollup_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    through       TEXT NOT NULL,
    -- Today's points by the hour: every hour from the day watermark to this
    -- one ("YYYY-MM-DD HH", Asia/Shanghai) is in dash_point_hours, rolled a
    -- quarter of an hour after it ended; before the watermark, ignored.
    hours_through TEXT NOT NULL
);
INSERT INTO dash_rollup_state (id, through, hours_through) VALUES (1, '', '');
-- The needs created on a day in a street, with what later happened to them
-- (proposals, award, contract, acceptance, ratings). categories and
-- statuses are counts by code, spans the publication-to-contract times in
-- nanoseconds with their counts (an exact median), each as
-- "key:n;key:n" (store.dashCell). Whole months are read from the month
-- rows, a few hundred for six years, unless one of their days is dirty.
CREATE TABLE dash_need_days (
    grain       TEXT NOT NULL,    -- 'd' a day's needs, 'm' a month's (its first day), summed from its days
    day         TEXT NOT NULL,
    street_id   TEXT NOT NULL,
    needs       BIGINT NOT NULL,
    published   BIGINT NOT NULL,
    proposals   BIGINT NOT NULL,
    no_proposal BIGINT NOT NULL,
    contracted  BIGINT NOT NULL,
    awards      BIGINT NOT NULL,
    awards_own  BIGINT NOT NULL,
    acceptances BIGINT NOT NULL,
    ratings     BIGINT NOT NULL,
    stars       BIGINT NOT NULL,
    categories  TEXT NOT NULL,
    statuses    TEXT NOT NULL,
    spans       TEXT NOT NULL,
    PRIMARY KEY (grain, day, street_id)
);
-- Points issued to a street's residents and organizations, and redeemed by
-- its residents, per day. Postings are append-only and dated when written,
-- so a closed day never changes: no trigger on the ledger.
CREATE TABLE dash_point_days (
    day       TEXT NOT NULL,
    street_id TEXT NOT NULL,
    issued    BIGINT NOT NULL,
    redeemed  BIGINT NOT NULL,
    PRIMARY KEY (day, street_id)
);
-- The hours of the days not rolled yet (today's), so the live tail of the
-- ledger is at most about an hour and a quarter of postings; the job deletes
-- them when it rolls their day.
CREATE TABLE dash_point_hours (
    hour      TEXT NOT NULL,
    street_id TEXT NOT NULL,
    issued    BIGINT NOT NULL,
    redeemed  BIGINT NOT NULL,
    PRIMARY KEY (hour, street_id)
);
-- Money of government purchase (contracts) by the day it was signed and the
-- need's street.
CREATE TABLE dash_money_days (
    day         TEXT NOT NULL,
    street_id   TEXT NOT NULL,
    procurement BIGINT NOT NULL,
    PRIMARY KEY (day, street_id)
);
-- Cells whose figures changed after they may have been rolled: kind 'n' a
-- day's needs of a street (dash_need_days), 'm' a day's contracts of a
-- street (dash_money_days). Marked by the triggers below in the same
-- transaction as the change, read live by the dashboard until the job has
-- recomputed them. v grows with every mark: the job deletes a mark only if
-- v is still what it read.
CREATE TABLE dash_dirty (
    kind      TEXT NOT NULL,
    day       TEXT NOT NULL,
    street_id TEXT NOT NULL,
    from_at   TIMESTAMP NOT NULL,
    to_at     TIMESTAMP NOT NULL,
    v         BIGINT NOT NULL,
    PRIMARY KEY (kind, day, street_id)
);
-- The live reads of the unrolled tail and of dirty cells.
CREATE INDEX needs_created ON needs (created_at);
CREATE INDEX needs_street_created ON needs (street_id, created_at);
CREATE INDEX contracts_signed ON contracts (signed_at);
CREATE INDEX points_postings_created ON points_postings (created_at);
-- The marks: SQLite keeps times as text in UTC ("2006-01-02 15:04:05+00:00",
-- fractions after the seconds, cut off here: date() would round them up),
-- so a day's bounds are text of that form and compare as the times do.
CREATE TRIGGER dash_mark_need_insert AFTER INSERT ON needs
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(NEW.created_at, 1, 19), '+8 hours'), NEW.street_id, datetime(date(substr(NEW.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(NEW.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1 WHERE true
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_need_delete AFTER DELETE ON needs
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(OLD.created_at, 1, 19), '+8 hours'), OLD.street_id, datetime(date(substr(OLD.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(OLD.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1 WHERE true
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_need_update AFTER UPDATE OF street_id, created_at, category, status, published_at ON needs
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(OLD.created_at, 1, 19), '+8 hours'), OLD.street_id, datetime(date(substr(OLD.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(OLD.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1 WHERE true
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(NEW.created_at, 1, 19), '+8 hours'), NEW.street_id, datetime(date(substr(NEW.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(NEW.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1 WHERE true
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'm', date(substr(k.signed_at, 1, 19), '+8 hours'), OLD.street_id, datetime(date(substr(k.signed_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(k.signed_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM contracts k WHERE k.need_id = NEW.id AND OLD.street_id <> NEW.street_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'm', date(substr(k.signed_at, 1, 19), '+8 hours'), NEW.street_id, datetime(date(substr(k.signed_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(k.signed_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM contracts k WHERE k.need_id = NEW.id AND OLD.street_id <> NEW.street_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
-- Contracts, awards, proposals, acceptances and ratings hang on a need.
CREATE TRIGGER dash_mark_contract_insert AFTER INSERT ON contracts
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_contract_delete AFTER DELETE ON contracts
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_contract_update AFTER UPDATE OF need_id, signed_at ON contracts
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_award_insert AFTER INSERT ON awards
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_award_delete AFTER DELETE ON awards
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_award_update AFTER UPDATE OF need_id, org_id ON awards
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_proposal_insert AFTER INSERT ON proposals
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_proposal_delete AFTER DELETE ON proposals
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_proposal_update AFTER UPDATE OF need_id, status ON proposals
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_acceptance_insert AFTER INSERT ON acceptances
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_acceptance_delete AFTER DELETE ON acceptances
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_acceptance_update AFTER UPDATE OF need_id ON acceptances
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_rating_insert AFTER INSERT ON ratings
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_rating_delete AFTER DELETE ON ratings
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_rating_update AFTER UPDATE OF need_id, stars ON ratings
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
-- A contract's money counts on the day it was signed, in its need's street.
CREATE TRIGGER dash_mark_money_insert AFTER INSERT ON contracts
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'm', date(substr(NEW.signed_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(NEW.signed_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(NEW.signed_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_money_delete AFTER DELETE ON contracts
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'm', date(substr(OLD.signed_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(OLD.signed_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(OLD.signed_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER dash_mark_money_update AFTER UPDATE OF need_id, signed_at, amount_fen ON contracts
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'm', date(substr(OLD.signed_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(OLD.signed_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(OLD.signed_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = OLD.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'm', date(substr(NEW.signed_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(NEW.signed_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(NEW.signed_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM needs n WHERE n.id = NEW.need_id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
-- An organization that moves street changes "awarded in the need's own
-- street" for every need it was awarded.
CREATE TRIGGER dash_mark_org AFTER UPDATE OF street_id ON organizations
    WHEN OLD.street_id <> NEW.street_id
BEGIN
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT 'n', date(substr(n.created_at, 1, 19), '+8 hours'), n.street_id, datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '-8 hours') || '+00:00',
        datetime(date(substr(n.created_at, 1, 19), '+8 hours'), '+16 hours') || '+00:00', 1
        FROM awards a JOIN needs n ON n.id = a.need_id WHERE a.org_id = NEW.id
        ON CONFLICT (kind, day, street_id) DO UPDATE SET v = v + 1;
END;
-- The organization register's breakdowns (registration, party form,
-- category, founding year; by street), counted by triggers in the same
-- transaction as every change of an organization, as organization_tallies
-- (0022) does: the dashboard adds up a few hundred rows instead of grouping
-- 100,000 organizations. One row per street, breakdown (dim) and key; every
-- organization counts once in each breakdown. Rows that fall to zero stay.
CREATE TABLE dash_org_tallies (
    street_id TEXT NOT NULL,
    dim       TEXT NOT NULL,     -- registration | party_form | category | year
    key       TEXT NOT NULL,
    n         BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (street_id, dim, key)
);
INSERT INTO dash_org_tallies (street_id, dim, key, n)
    SELECT street_id, 'registration', registration, COUNT(*) FROM organizations WHERE kind = 'organization' GROUP BY street_id, registration
UNION ALL
    SELECT street_id, 'party_form', party_form, COUNT(*) FROM organizations WHERE kind = 'organization' GROUP BY street_id, party_form
UNION ALL
    SELECT street_id, 'category', category, COUNT(*) FROM organizations WHERE kind = 'organization' GROUP BY street_id, category
UNION ALL
    SELECT street_id, 'year', CASE WHEN length(founded) >= 4 THEN substr(founded, 1, 4) ELSE '' END, COUNT(*) FROM organizations WHERE kind = 'organization' GROUP BY street_id, CASE WHEN length(founded) >= 4 THEN substr(founded, 1, 4) ELSE '' END;
CREATE TRIGGER dash_org_tallies_insert AFTER INSERT ON organizations WHEN NEW.kind = 'organization'
BEGIN
    INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'registration', NEW.registration, 1 WHERE true
        ON CONFLICT (street_id, dim, key) DO UPDATE SET n = n + 1;
    INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'party_form', NEW.party_form, 1 WHERE true
        ON CONFLICT (street_id, dim, key) DO UPDATE SET n = n + 1;
    INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'category', NEW.category, 1 WHERE true
        ON CONFLICT (street_id, dim, key) DO UPDATE SET n = n + 1;
    INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'year', CASE WHEN length(NEW.founded) >= 4 THEN substr(NEW.founded, 1, 4) ELSE '' END, 1 WHERE true
        ON CONFLICT (street_id, dim, key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER dash_org_tallies_delete AFTER DELETE ON organizations WHEN OLD.kind = 'organization'
BEGIN
    UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'registration' AND key = OLD.registration;
    UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'party_form' AND key = OLD.party_form;
    UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'category' AND key = OLD.category;
    UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'year' AND key = CASE WHEN length(OLD.founded) >= 4 THEN substr(OLD.founded, 1, 4) ELSE '' END;
END;
CREATE TRIGGER dash_org_tallies_update AFTER UPDATE OF kind, registration, party_form, category, street_id, founded
    ON organizations
BEGIN
    UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'registration' AND key = OLD.registration AND OLD.kind = 'organization';
    UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'party_form' AND key = OLD.party_form AND OLD.kind = 'organization';
    UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'category' AND key = OLD.category AND OLD.kind = 'organization';
    UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'year' AND key = CASE WHEN length(OLD.founded) >= 4 THEN substr(OLD.founded, 1, 4) ELSE '' END AND OLD.kind = 'organization';
    INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'registration', NEW.registration, 1 WHERE NEW.kind = 'organization'
        ON CONFLICT (street_id, dim, key) DO UPDATE SET n = n + 1;
    INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'party_form', NEW.party_form, 1 WHERE NEW.kind = 'organization'
        ON CONFLICT (street_id, dim, key) DO UPDATE SET n = n + 1;
    INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'category', NEW.category, 1 WHERE NEW.kind = 'organization'
        ON CONFLICT (street_id, dim, key) DO UPDATE SET n = n + 1;
    INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'year', CASE WHEN length(NEW.founded) >= 4 THEN substr(NEW.founded, 1, 4) ELSE '' END, 1 WHERE NEW.kind = 'organization'
        ON CONFLICT (street_id, dim, key) DO UPDATE SET n = n + 1;
END;
