CREATE TABLE "review_task_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"action" text NOT NULL,
	"outcome" text,
	"by_sub" text NOT NULL,
	"by_role" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "approval_claim" text;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "approval_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "closed_by" text;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "note" text;--> statement-breakpoint
CREATE INDEX "review_task_events_task_id_idx" ON "review_task_events" USING btree ("task_id");--> statement-breakpoint

-- A review task's history is append-only, as an application's archive is (0006).
CREATE FUNCTION review_task_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'review_task_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'a review task''s history is never changed; append a new event';
END
$$;
--> statement-breakpoint
CREATE TRIGGER review_task_events_append_only BEFORE UPDATE OR DELETE ON review_task_events
  FOR EACH ROW EXECUTE FUNCTION review_task_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER review_task_events_no_truncate BEFORE TRUNCATE ON review_task_events
  FOR EACH STATEMENT EXECUTE FUNCTION review_task_events_refuse_change();
