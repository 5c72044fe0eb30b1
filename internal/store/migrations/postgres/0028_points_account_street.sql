-- A resident's or organization's points account opened by a hand grant from
-- a street's pool (the street staff's 发放积分, the demo's earnings) had no
-- street, so the dashboard, which counts points issued to and redeemed by
-- the street of the recipient's account, showed those streets issuing 0.
-- Such an account now takes the street of the pool that first paid it, as
-- an award's recipient always did (store.accountsOf); the accounts opened
-- before take it here. The points rollups were summed with the old streets:
-- when any account is to change, every rollup is forgotten first and the
-- dashboard job rolls every day again, as `huitian dashboard rebuild` does.
-- (No temporary table: the condition is asked again for each statement.)
DELETE FROM dash_need_days WHERE EXISTS (SELECT 1 FROM points_accounts a
    JOIN points_postings p ON p.to_id = a.id JOIN points_accounts fa ON fa.id = p.from_id
    WHERE a.kind IN ('resident', 'organization') AND a.street_id = '' AND fa.kind = 'pool' AND fa.street_id <> '');
DELETE FROM dash_point_days WHERE EXISTS (SELECT 1 FROM points_accounts a
    JOIN points_postings p ON p.to_id = a.id JOIN points_accounts fa ON fa.id = p.from_id
    WHERE a.kind IN ('resident', 'organization') AND a.street_id = '' AND fa.kind = 'pool' AND fa.street_id <> '');
DELETE FROM dash_point_hours WHERE EXISTS (SELECT 1 FROM points_accounts a
    JOIN points_postings p ON p.to_id = a.id JOIN points_accounts fa ON fa.id = p.from_id
    WHERE a.kind IN ('resident', 'organization') AND a.street_id = '' AND fa.kind = 'pool' AND fa.street_id <> '');
DELETE FROM dash_money_days WHERE EXISTS (SELECT 1 FROM points_accounts a
    JOIN points_postings p ON p.to_id = a.id JOIN points_accounts fa ON fa.id = p.from_id
    WHERE a.kind IN ('resident', 'organization') AND a.street_id = '' AND fa.kind = 'pool' AND fa.street_id <> '');
DELETE FROM dash_dirty WHERE EXISTS (SELECT 1 FROM points_accounts a
    JOIN points_postings p ON p.to_id = a.id JOIN points_accounts fa ON fa.id = p.from_id
    WHERE a.kind IN ('resident', 'organization') AND a.street_id = '' AND fa.kind = 'pool' AND fa.street_id <> '');
UPDATE dash_rollup_state SET through = '', hours_through = '' WHERE id = 1 AND EXISTS (SELECT 1 FROM points_accounts a
    JOIN points_postings p ON p.to_id = a.id JOIN points_accounts fa ON fa.id = p.from_id
    WHERE a.kind IN ('resident', 'organization') AND a.street_id = '' AND fa.kind = 'pool' AND fa.street_id <> '');
UPDATE points_accounts SET street_id = (SELECT fa.street_id FROM points_postings p JOIN points_accounts fa ON fa.id = p.from_id
        WHERE p.to_id = points_accounts.id AND fa.kind = 'pool' AND fa.street_id <> ''
        ORDER BY p.created_at, p.id LIMIT 1)
    WHERE kind IN ('resident', 'organization') AND street_id = '' AND EXISTS (SELECT 1 FROM points_postings p
        JOIN points_accounts fa ON fa.id = p.from_id
        WHERE p.to_id = points_accounts.id AND fa.kind = 'pool' AND fa.street_id <> '');
