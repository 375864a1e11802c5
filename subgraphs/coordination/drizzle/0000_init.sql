CREATE TABLE "finding_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"finding_id" text NOT NULL,
	"event" text NOT NULL,
	"decision" text,
	"note" text,
	"actor_sub" text,
	"actor_role" text,
	"sweep_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" text PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"household_id" text,
	"region_code" text NOT NULL,
	"person_ids" text[] NOT NULL,
	"award_ids" text[] NOT NULL,
	"award_keys" text[] NOT NULL,
	"departments" text[] NOT NULL,
	"programmes" text[] NOT NULL,
	"overlap_start" date,
	"overlap_end" date,
	"explanation" text NOT NULL,
	"explanation_en" text NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"gone_at" timestamp with time zone,
	"last_sweep_id" text
);
--> statement-breakpoint
CREATE TABLE "rule_set_versions" (
	"version" bigserial PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"changed_by" text,
	"note" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sweeps" (
	"id" text PRIMARY KEY NOT NULL,
	"region_code" text NOT NULL,
	"status" text NOT NULL,
	"households_total" integer,
	"households_checked" integer DEFAULT 0 NOT NULL,
	"persons_checked" integer DEFAULT 0 NOT NULL,
	"findings_count" integer DEFAULT 0 NOT NULL,
	"new_count" integer DEFAULT 0 NOT NULL,
	"gone_count" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "finding_events_finding_id_idx" ON "finding_events" USING btree ("finding_id");--> statement-breakpoint
CREATE INDEX "findings_region_code_idx" ON "findings" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "findings_status_idx" ON "findings" USING btree ("status");--> statement-breakpoint
CREATE INDEX "findings_household_id_idx" ON "findings" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "findings_person_ids_idx" ON "findings" USING gin ("person_ids");