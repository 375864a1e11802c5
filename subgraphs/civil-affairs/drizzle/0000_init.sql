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
CREATE TABLE "households" (
	"id" text PRIMARY KEY NOT NULL,
	"region_code" text NOT NULL,
	"hukou" text NOT NULL,
	"address" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
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
CREATE TABLE "persons" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"gender" text NOT NULL,
	"birth_date" date NOT NULL,
	"death_date" date,
	"household_id" text NOT NULL,
	"relation" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persons_death_after_birth" CHECK ("persons"."death_date" IS NULL OR "persons"."death_date" >= "persons"."birth_date")
);
--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "awards_person_id_idx" ON "awards" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "awards_household_id_idx" ON "awards" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "awards_region_code_idx" ON "awards" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "households_region_code_idx" ON "households" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "persons_household_id_idx" ON "persons" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "persons_name_idx" ON "persons" USING btree ("name");