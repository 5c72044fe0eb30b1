-- The streets' matching table (各街道需求匹配) left out a contracted need
-- without a publication date: a past project imported from the old system
-- (`huitian import projects`), tendered elsewhere. It now counts as
-- published and contracted, with no time to contract (store.tendered). The
-- needs rollups were summed the old way: when any such need exists, every
-- rollup is forgotten and the dashboard job rolls every day again, as
-- `huitian dashboard rebuild` does (and as 0028 did).
DELETE FROM dash_need_days WHERE EXISTS (SELECT 1 FROM needs n JOIN contracts k ON k.need_id = n.id
    WHERE n.published_at IS NULL);
DELETE FROM dash_point_days WHERE EXISTS (SELECT 1 FROM needs n JOIN contracts k ON k.need_id = n.id
    WHERE n.published_at IS NULL);
DELETE FROM dash_point_hours WHERE EXISTS (SELECT 1 FROM needs n JOIN contracts k ON k.need_id = n.id
    WHERE n.published_at IS NULL);
DELETE FROM dash_money_days WHERE EXISTS (SELECT 1 FROM needs n JOIN contracts k ON k.need_id = n.id
    WHERE n.published_at IS NULL);
DELETE FROM dash_dirty WHERE EXISTS (SELECT 1 FROM needs n JOIN contracts k ON k.need_id = n.id
    WHERE n.published_at IS NULL);
UPDATE dash_rollup_state SET through = '', hours_through = '' WHERE id = 1 AND EXISTS (SELECT 1 FROM needs n
    JOIN contracts k ON k.need_id = n.id WHERE n.published_at IS NULL);
