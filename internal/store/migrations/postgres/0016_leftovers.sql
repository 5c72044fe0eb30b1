-- Gaps the activities, points and coordination issues asked for.

-- The day-before text message a signup got (one per signup).
ALTER TABLE activity_signups ADD COLUMN reminded_at TIMESTAMPTZ;

-- Confirmed hours corrected: the n-th correction makes the attendance key
-- signup:<id>:<n>, so the corrected hours earn anew (the old awards are
-- cancelled while on notice, reversed once issued).
ALTER TABLE activity_signups ADD COLUMN corrections INTEGER NOT NULL DEFAULT 0;
CREATE TABLE hours_corrections (
    id           TEXT PRIMARY KEY,
    signup_id    TEXT NOT NULL REFERENCES activity_signups (id),
    from_minutes INTEGER NOT NULL,
    to_minutes   INTEGER NOT NULL CHECK (to_minutes >= 0),
    reason       TEXT NOT NULL,
    by_id        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX hours_corrections_signup ON hours_corrections (signup_id, created_at);

-- Fraud flags staff looked at and dismissed, by the flag's stable key.
CREATE TABLE flag_dismissals (
    flag_key     TEXT PRIMARY KEY,
    street_id    TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    dismissed_at TIMESTAMPTZ NOT NULL
);

-- An instructor assignment that ended (NULL: still assigned).
ALTER TABLE party_instructors ADD COLUMN ended_on TIMESTAMPTZ;

-- Academy attendance by the rotating code: an enrollment linked to a
-- platform user checks in with the session's code (its secret made on first
-- showing).
ALTER TABLE enrollments ADD COLUMN user_id TEXT REFERENCES users (id);
CREATE UNIQUE INDEX enrollments_session_user ON enrollments (session_id, user_id);
ALTER TABLE course_sessions ADD COLUMN secret TEXT NOT NULL DEFAULT '';
