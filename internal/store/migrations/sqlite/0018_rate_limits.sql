-- Attempt counters of the rate limits (sign-in, codes, public API), shared
-- by every app node: fixed windows per limit name and hashed key (a phone
-- number or an address is never stored in clear here).
CREATE TABLE rate_limits (
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (name, key_hash)
);
CREATE INDEX rate_limits_start ON rate_limits (window_start);
