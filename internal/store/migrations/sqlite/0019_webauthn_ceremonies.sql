-- Running WebAuthn ceremonies (passkey registration and sign-in), so a
-- ceremony begun on one app node can end on another: the random id from
-- the browser's cookie is kept only as a hash, each row is used once and
-- lives five minutes.
CREATE TABLE webauthn_ceremonies (
    id_hash    TEXT PRIMARY KEY,
    data       TEXT NOT NULL,     -- go-webauthn's session data (challenge …), JSON
    user_id    TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX webauthn_ceremonies_expires ON webauthn_ceremonies (expires_at);
