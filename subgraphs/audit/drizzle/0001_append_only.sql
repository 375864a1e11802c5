-- The access log is append-only, enforced by the database and not only by the code that writes it
-- (SPEC section 8). Runs on PostgreSQL 15+ and PGlite. Someone who can disable triggers (the
-- table's owner, a superuser) can still change rows: the hash chain and the head make that visible
-- to `npm run audit:verify`.

-- UPDATE, DELETE and TRUNCATE of access_log are refused.
CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'entries are never changed or removed; append a new one';
END
$$;
--> statement-breakpoint
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint

-- Each inserted entry must extend the chain at the head (seq + 1, prev_hash = the head's hash), and
-- moves the head to itself: a writer that forgot to serialise gets an error, never a fork.
-- keep in sync with GENESIS_HASH and FIRST_SEQ in packages/auth/src/audit.ts.
CREATE FUNCTION access_log_extend_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM access_log_head WHERE id = 1 FOR UPDATE;
  IF NOT FOUND THEN
    head_seq := 0;
    head_hash := repeat('0', 64);
  END IF;
  IF NEW.seq <> head_seq + 1 OR NEW.prev_hash <> head_hash THEN
    RAISE EXCEPTION 'access_log entry % does not extend the head (entry %)', NEW.seq, head_seq
      USING ERRCODE = 'serialization_failure';
  END IF;
  IF head_seq = 0 THEN
    INSERT INTO access_log_head (id, seq, hash) VALUES (1, NEW.seq, NEW.hash);
  ELSE
    UPDATE access_log_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER access_log_extend_head BEFORE INSERT ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_extend_head();
--> statement-breakpoint

-- The head only moves forward: rolling it back to hide a cut-off tail is refused.
CREATE FUNCTION access_log_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq > OLD.seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'access_log_head only moves forward: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER access_log_head_forward_only BEFORE UPDATE OR DELETE ON access_log_head
  FOR EACH ROW EXECUTE FUNCTION access_log_head_forward_only();
--> statement-breakpoint
CREATE TRIGGER access_log_head_no_truncate BEFORE TRUNCATE ON access_log_head
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_head_forward_only();
