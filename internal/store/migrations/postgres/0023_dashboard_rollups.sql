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
    from_at   TIMESTAMPTZ NOT NULL,
    to_at     TIMESTAMPTZ NOT NULL,
    v         BIGINT NOT NULL,
    PRIMARY KEY (kind, day, street_id)
);
-- The live reads of the unrolled tail and of dirty cells.
CREATE INDEX needs_created ON needs (created_at);
CREATE INDEX needs_street_created ON needs (street_id, created_at);
CREATE INDEX contracts_signed ON contracts (signed_at);
CREATE INDEX points_postings_created ON points_postings (created_at);

CREATE FUNCTION dash_mark(k TEXT, t TIMESTAMPTZ, street TEXT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO dash_dirty (kind, day, street_id, from_at, to_at, v)
    SELECT k, to_char(d, 'YYYY-MM-DD'), street, (d - interval '8 hours') AT TIME ZONE 'UTC',
        (d + interval '16 hours') AT TIME ZONE 'UTC', 1
    FROM (SELECT date_trunc('day', (t AT TIME ZONE 'UTC') + interval '8 hours') AS d) x
    ON CONFLICT (kind, day, street_id) DO UPDATE SET v = dash_dirty.v + 1
$$;
CREATE FUNCTION dash_mark_need() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dash_mark('n', OLD.created_at, OLD.street_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR OLD.created_at <> NEW.created_at
        OR OLD.street_id <> NEW.street_id) THEN
        PERFORM dash_mark('n', NEW.created_at, NEW.street_id);
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.street_id <> NEW.street_id THEN
        PERFORM dash_mark('m', k.signed_at, OLD.street_id), dash_mark('m', k.signed_at, NEW.street_id)
            FROM contracts k WHERE k.need_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_mark_need AFTER INSERT OR DELETE OR UPDATE OF street_id, created_at, category, status, published_at
    ON needs FOR EACH ROW EXECUTE FUNCTION dash_mark_need();
-- Contracts, awards, proposals, acceptances and ratings hang on a need.
CREATE FUNCTION dash_mark_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dash_mark('n', n.created_at, n.street_id) FROM needs n WHERE n.id = OLD.need_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR OLD.need_id <> NEW.need_id) THEN
        PERFORM dash_mark('n', n.created_at, n.street_id) FROM needs n WHERE n.id = NEW.need_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_mark_contract AFTER INSERT OR DELETE OR UPDATE OF need_id, signed_at
    ON contracts FOR EACH ROW EXECUTE FUNCTION dash_mark_child();
CREATE TRIGGER dash_mark_award AFTER INSERT OR DELETE OR UPDATE OF need_id, org_id
    ON awards FOR EACH ROW EXECUTE FUNCTION dash_mark_child();
CREATE TRIGGER dash_mark_proposal AFTER INSERT OR DELETE OR UPDATE OF need_id, status
    ON proposals FOR EACH ROW EXECUTE FUNCTION dash_mark_child();
CREATE TRIGGER dash_mark_acceptance AFTER INSERT OR DELETE OR UPDATE OF need_id
    ON acceptances FOR EACH ROW EXECUTE FUNCTION dash_mark_child();
CREATE TRIGGER dash_mark_rating AFTER INSERT OR DELETE OR UPDATE OF need_id, stars
    ON ratings FOR EACH ROW EXECUTE FUNCTION dash_mark_child();
-- A contract's money counts on the day it was signed, in its need's street.
CREATE FUNCTION dash_mark_money() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dash_mark('m', OLD.signed_at, n.street_id) FROM needs n WHERE n.id = OLD.need_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM dash_mark('m', NEW.signed_at, n.street_id) FROM needs n WHERE n.id = NEW.need_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_mark_money AFTER INSERT OR DELETE OR UPDATE OF need_id, signed_at, amount_fen
    ON contracts FOR EACH ROW EXECUTE FUNCTION dash_mark_money();
-- An organization that moves street changes "awarded in the need's own
-- street" for every need it was awarded.
CREATE FUNCTION dash_mark_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.street_id <> NEW.street_id THEN
        PERFORM dash_mark('n', n.created_at, n.street_id) FROM awards a JOIN needs n ON n.id = a.need_id
            WHERE a.org_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_mark_org AFTER UPDATE OF street_id ON organizations FOR EACH ROW EXECUTE FUNCTION dash_mark_org();
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
CREATE FUNCTION dash_org_tallies_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.kind = 'organization' THEN
        UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'registration' AND key = OLD.registration;
        UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'party_form' AND key = OLD.party_form;
        UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'category' AND key = OLD.category;
        UPDATE dash_org_tallies SET n = n - 1 WHERE street_id = OLD.street_id AND dim = 'year' AND key = CASE WHEN length(OLD.founded) >= 4 THEN substr(OLD.founded, 1, 4) ELSE '' END;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.kind = 'organization' THEN
        INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'registration', NEW.registration, 1
            ON CONFLICT (street_id, dim, key) DO UPDATE SET n = dash_org_tallies.n + 1;
        INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'party_form', NEW.party_form, 1
            ON CONFLICT (street_id, dim, key) DO UPDATE SET n = dash_org_tallies.n + 1;
        INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'category', NEW.category, 1
            ON CONFLICT (street_id, dim, key) DO UPDATE SET n = dash_org_tallies.n + 1;
        INSERT INTO dash_org_tallies (street_id, dim, key, n) SELECT NEW.street_id, 'year', CASE WHEN length(NEW.founded) >= 4 THEN substr(NEW.founded, 1, 4) ELSE '' END, 1
            ON CONFLICT (street_id, dim, key) DO UPDATE SET n = dash_org_tallies.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dash_org_tallies_keep AFTER INSERT OR DELETE OR UPDATE OF kind, registration, party_form, category, street_id, founded
    ON organizations FOR EACH ROW EXECUTE FUNCTION dash_org_tallies_keep();
