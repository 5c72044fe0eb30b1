-- Local merchants where residents redeem points; a merchant login is scoped to one.
CREATE TABLE merchants (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    street_id    TEXT NOT NULL REFERENCES streets (id),
    community_id TEXT REFERENCES communities (id),
    address      TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (street_id, name)
);
CREATE INDEX merchants_community ON merchants (community_id);
