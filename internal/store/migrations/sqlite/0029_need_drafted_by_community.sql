-- Whether a need is its community's draft (procurement.Need.CommunityDrafted:
-- the street takes it up only once submitted) was worked out on every read
-- from its author's grants as they are now, two EXISTS per row, so taking a
-- role away or adding one changed whose draft an old need was. It is now
-- decided once, when the need is created, by the same rule: its author is
-- staff of its community and not also of its street. Needs created before
-- take it here from the grants they were read with until now.
ALTER TABLE needs ADD COLUMN drafted_by_community BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE needs SET drafted_by_community = TRUE
    WHERE EXISTS (SELECT 1 FROM grants g WHERE g.user_id = needs.created_by AND g.role = 'community_staff'
            AND g.scope_id = needs.community_id)
        AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.user_id = needs.created_by AND g.role = 'street_staff'
            AND g.scope_id = needs.street_id);
