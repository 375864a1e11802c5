CREATE TABLE "payment_findings" (
	"id" text PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"period" text NOT NULL,
	"region_code" text NOT NULL,
	"person_ids" text[] NOT NULL,
	"household_ids" text[] NOT NULL,
	"award_ids" text[] NOT NULL,
	"award_keys" text[] NOT NULL,
	"payment_ids" text[] NOT NULL,
	"payment_keys" text[] NOT NULL,
	"departments" text[] NOT NULL,
	"account_last4" text,
	"explanation" text NOT NULL,
	"explanation_en" text NOT NULL,
	"parties" jsonb NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"gone_at" timestamp with time zone,
	"last_sweep_id" text
);
--> statement-breakpoint
CREATE TABLE "payment_sweeps" (
	"id" text PRIMARY KEY NOT NULL,
	"region_code" text NOT NULL,
	"period" text NOT NULL,
	"status" text NOT NULL,
	"households_checked" integer DEFAULT 0 NOT NULL,
	"payments_checked" integer DEFAULT 0 NOT NULL,
	"findings_count" integer DEFAULT 0 NOT NULL,
	"new_count" integer DEFAULT 0 NOT NULL,
	"gone_count" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "payment_findings_region_period_idx" ON "payment_findings" USING btree ("region_code" text_pattern_ops,"period");--> statement-breakpoint
CREATE INDEX "payment_findings_person_ids_idx" ON "payment_findings" USING gin ("person_ids");--> statement-breakpoint
CREATE INDEX "payment_findings_award_keys_idx" ON "payment_findings" USING gin ("award_keys");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_sweeps_running_idx" ON "payment_sweeps" USING btree ("region_code","period") WHERE status = 'RUNNING';