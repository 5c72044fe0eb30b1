-- The incubation base (孵化基地) and the social innovation academy (社会创新学院).
-- street_id NULL: the district base.
CREATE TABLE incubation_bases (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    street_id  TEXT REFERENCES streets (id),
    address    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- Rooms, areas and workstations. hours: seven "HH:MM-HH:MM" or "-" fields,
-- Sunday first, in Asia/Shanghai. A workstation's assignee is its incubatee.
CREATE TABLE spaces (
    id              TEXT PRIMARY KEY,
    base_id         TEXT NOT NULL REFERENCES incubation_bases (id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('workstation', 'meeting_room', 'reception', 'library', 'event_hall')),
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    hours           TEXT NOT NULL,
    audience        TEXT NOT NULL CHECK (audience IN ('incubatees', 'street_orgs', 'registered')),
    rules           TEXT NOT NULL DEFAULT '',
    max_slots       INTEGER NOT NULL CHECK (max_slots > 0),
    ahead_days      INTEGER NOT NULL CHECK (ahead_days > 0),
    assignee_org_id TEXT REFERENCES organizations (id),
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (base_id, name)
);

CREATE TABLE bookings (
    id           TEXT PRIMARY KEY,
    space_id     TEXT NOT NULL REFERENCES spaces (id),
    org_id       TEXT REFERENCES organizations (id),
    user_id      TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    start_at     TIMESTAMPTZ NOT NULL,
    end_at       TIMESTAMPTZ NOT NULL,
    attendees    INTEGER NOT NULL CHECK (attendees > 0),
    purpose      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
    cancelled_by TEXT NOT NULL DEFAULT '',
    cancelled_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX bookings_space_start ON bookings (space_id, start_at);
CREATE INDEX bookings_org ON bookings (org_id);

-- One row per booked half hour: the UNIQUE constraint is what makes a
-- double booking impossible, however many people book at the same moment.
-- A cancellation deletes its slots.
CREATE TABLE booking_slots (
    space_id   TEXT NOT NULL REFERENCES spaces (id),
    slot_start TIMESTAMPTZ NOT NULL,
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    PRIMARY KEY (space_id, slot_start)
);
CREATE INDEX booking_slots_booking ON booking_slots (booking_id);

CREATE TABLE incubations (
    id         TEXT PRIMARY KEY,
    base_id    TEXT NOT NULL REFERENCES incubation_bases (id),
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    stage      TEXT NOT NULL CHECK (stage IN ('applied', 'admitted', 'incubating', 'graduated', 'withdrawn')),
    statement  TEXT NOT NULL,
    plan       TEXT NOT NULL DEFAULT '',
    mentor     TEXT NOT NULL DEFAULT '',
    starts_on  TIMESTAMPTZ,
    ends_on    TIMESTAMPTZ,
    note       TEXT NOT NULL DEFAULT '',
    -- 1 while applied, admitted or incubating; NULL after: one open
    -- incubation per organization.
    open       INTEGER CHECK (open = 1),
    applied_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, open)
);
CREATE INDEX incubations_base ON incubations (base_id, stage);

CREATE TABLE incubation_services (
    id            TEXT PRIMARY KEY,
    incubation_id TEXT NOT NULL REFERENCES incubations (id),
    kind          TEXT NOT NULL,
    provider      TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    served_on     TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX incubation_services_incubation ON incubation_services (incubation_id);

CREATE TABLE courses (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL UNIQUE,
    topic       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE course_sessions (
    id         TEXT PRIMARY KEY,
    course_id  TEXT NOT NULL REFERENCES courses (id),
    street_id  TEXT REFERENCES streets (id),
    teacher    TEXT NOT NULL,
    place      TEXT NOT NULL,
    start_at   TIMESTAMPTZ NOT NULL,
    end_at     TIMESTAMPTZ NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity > 0),
    -- kept by the enrollment's own UPDATE … WHERE enrolled < capacity, so
    -- two organizations taking the last seat at once cannot both have it.
    enrolled   INTEGER NOT NULL DEFAULT 0 CHECK (enrolled >= 0 AND enrolled <= capacity),
    materials  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX course_sessions_course ON course_sessions (course_id, start_at);

CREATE TABLE enrollments (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES course_sessions (id),
    org_id     TEXT NOT NULL REFERENCES organizations (id),
    person     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('enrolled', 'present', 'absent')),
    method     TEXT NOT NULL DEFAULT '',
    marked_at  TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (session_id, org_id, person)
);
CREATE INDEX enrollments_org ON enrollments (org_id);

CREATE TABLE certificates (
    id            TEXT PRIMARY KEY,
    enrollment_id TEXT NOT NULL UNIQUE REFERENCES enrollments (id),
    issued_at     TIMESTAMPTZ NOT NULL
);
