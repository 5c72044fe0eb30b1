-- API tokens expire once unused for a while (HUITIAN_API_TOKEN_IDLE,
-- 90 days by default): each use moves expires_at on. Tokens issued before
-- this migration have none; they count from their last use (or their
-- creation) by the same rule.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX api_tokens_expires ON api_tokens (expires_at);
