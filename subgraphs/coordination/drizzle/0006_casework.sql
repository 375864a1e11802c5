CREATE TABLE "application_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"action" text NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL,
	"by_sub" text NOT NULL,
	"by_role" text NOT NULL,
	"note" text,
	"assessment" jsonb,
	"findings" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" text PRIMARY KEY NOT NULL,
	"household_id" text NOT NULL,
	"person_id" text NOT NULL,
	"programme" text NOT NULL,
	"department" text NOT NULL,
	"region_code" text NOT NULL,
	"amount_fen" integer,
	"reason" text NOT NULL,
	"consent_signed_by" text,
	"consent_signed_on" date,
	"stage" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"filed_by" text NOT NULL,
	"masked_name" text NOT NULL,
	"assessment" jsonb,
	"findings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notice_start" date,
	"notice_end" date,
	"open_objections" integer DEFAULT 0 NOT NULL,
	"award_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stage_since" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "eligibility_rule_versions" (
	"version" bigserial PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"changed_by" text,
	"note" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"department" text NOT NULL,
	"household_id" text NOT NULL,
	"region_code" text NOT NULL,
	"person_id" text,
	"award_id" text,
	"reason" text NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "application_events_application_id_idx" ON "application_events" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "applications_region_code_idx" ON "applications" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "applications_stage_idx" ON "applications" USING btree ("stage");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_open_person_programme_idx" ON "applications" USING btree ("person_id","programme") WHERE stage IN ('SUBMITTED', 'ASSESSED', 'REVIEWED', 'IN_NOTICE');--> statement-breakpoint
CREATE INDEX "review_tasks_region_code_idx" ON "review_tasks" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint

-- The archive (档案) is append-only, enforced by the database and not only by the code that
-- writes it (SPEC section 10), as the access log is: UPDATE, DELETE and TRUNCATE are refused.
CREATE FUNCTION application_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'application_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'an application''s archive is never changed; append a new event';
END
$$;
--> statement-breakpoint
CREATE TRIGGER application_events_append_only BEFORE UPDATE OR DELETE ON application_events
  FOR EACH ROW EXECUTE FUNCTION application_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER application_events_no_truncate BEFORE TRUNCATE ON application_events
  FOR EACH STATEMENT EXECUTE FUNCTION application_events_refuse_change();
