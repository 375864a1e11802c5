CREATE TABLE "awards" (
	"id" text PRIMARY KEY NOT NULL,
	"programme" text NOT NULL,
	"person_id" text NOT NULL,
	"household_id" text,
	"region_code" text NOT NULL,
	"amount_fen" integer NOT NULL,
	"frequency" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"status" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "awards_amount_fen_check" CHECK ("awards"."amount_fen" >= 0),
	CONSTRAINT "awards_period_check" CHECK ("awards"."end_date" IS NULL OR "awards"."end_date" >= "awards"."start_date")
);
--> statement-breakpoint
CREATE TABLE "ingest_staging" (
	"load_id" text NOT NULL,
	"line" integer NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"staged_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ingest_staging_load_id_line_pk" PRIMARY KEY("load_id","line")
);
--> statement-breakpoint
CREATE INDEX "awards_person_id_idx" ON "awards" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "awards_household_id_idx" ON "awards" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "awards_region_code_idx" ON "awards" USING btree ("region_code" text_pattern_ops);