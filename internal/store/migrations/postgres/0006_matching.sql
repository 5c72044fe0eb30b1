-- Precise matching. An organization's credit status: on the abnormal-activity
-- list (活动异常名录) or the serious-violation list (严重违法失信名单) it is
-- excluded from recommendations, and staff see why (credit_note).
ALTER TABLE organizations ADD COLUMN credit_status TEXT NOT NULL DEFAULT 'normal'
    CHECK (credit_status IN ('normal', 'abnormal', 'serious'));
ALTER TABLE organizations ADD COLUMN credit_note TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN credit_updated_at TIMESTAMPTZ;

-- A need's category is guessed from its text (category_source 'auto', with a
-- confidence in percent) until staff choose one ('staff', 100).
ALTER TABLE needs ADD COLUMN category_confidence INTEGER NOT NULL DEFAULT 0
    CHECK (category_confidence >= 0 AND category_confidence <= 100);
ALTER TABLE needs ADD COLUMN category_source TEXT NOT NULL DEFAULT 'auto'
    CHECK (category_source IN ('auto', 'staff'));

-- The matcher reads completed projects by supplier.
CREATE INDEX needs_status_awarded_org ON needs (status, awarded_org_id);
