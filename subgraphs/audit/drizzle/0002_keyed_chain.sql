-- Entries written from now on are keyed (HMAC-SHA256 under AUDIT_CHAIN_KEY, a key the database never
-- holds) and record the key's id. Entries already in the log keep key_id NULL: they were hashed with
-- plain SHA-256 and are checked that way, and only before the first keyed entry, whose MAC seals them.
ALTER TABLE "access_log" ADD COLUMN "key_id" text;