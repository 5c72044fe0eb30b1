-- A resident's or organization's points account opened by a hand grant from
-- a street's pool (the street staff's 发放积分, the demo's earnings) had no
-- street, so the dashboard, which counts points issued to and redeemed by
-- the street of the recipient's account, showed those streets issuing 0.
-- Such an account now takes the street of the pool that first paid it, as
-- an award's recipient always did (store.accountsOf); the accounts opened
-- before take it here. The points rollups were summed with the old streets:
-- when any account changes, every rollup is forgotten and the dashboard job
-- rolls every day again, as `huitian dashboard rebuild` does.
CREATE TEMP TABLE streetless_accounts AS
    SELECT a.id, (SELECT fa.street_id FROM points_postings p JOIN points_accounts fa ON fa.id = p.from_id
                  WHERE p.to_id = a.id AND fa.kind = 'pool' AND fa.street_id <> ''
                  ORDER BY p.created_at, p.id LIMIT 1) AS street_id
    FROM points_accounts a WHERE a.kind IN ('resident', 'organization') AND a.street_id = '';
DELETE FROM streetless_accounts WHERE street_id IS NULL;
UPDATE points_accounts SET street_id = (SELECT s.street_id FROM streetless_accounts s WHERE s.id = points_accounts.id)
    WHERE id IN (SELECT id FROM streetless_accounts);
DELETE FROM dash_need_days WHERE EXISTS (SELECT 1 FROM streetless_accounts);
DELETE FROM dash_point_days WHERE EXISTS (SELECT 1 FROM streetless_accounts);
DELETE FROM dash_point_hours WHERE EXISTS (SELECT 1 FROM streetless_accounts);
DELETE FROM dash_money_days WHERE EXISTS (SELECT 1 FROM streetless_accounts);
DELETE FROM dash_dirty WHERE EXISTS (SELECT 1 FROM streetless_accounts);
UPDATE dash_rollup_state SET through = '', hours_through = '' WHERE id = 1 AND EXISTS (SELECT 1 FROM streetless_accounts);
DROP TABLE streetless_accounts;
