CREATE TABLE "audit_checkpoints" (
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"at" text NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL,
	CONSTRAINT "audit_checkpoints_seq_hash_pk" PRIMARY KEY("seq","hash")
);
--> statement-breakpoint

-- This department witnesses the access log: its checkpoints are kept, never changed or removed
-- (packages/department/src/witness.ts). Someone who can disable triggers can still change rows:
-- each row's countersignature, made with a key no database holds, shows that to audit:verify.
CREATE FUNCTION audit_checkpoints_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoints is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'witnessed checkpoints are never changed or removed';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_refuse_change();
