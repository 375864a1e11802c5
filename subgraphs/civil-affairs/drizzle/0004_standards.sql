CREATE TABLE "standards" (
	"id" text PRIMARY KEY NOT NULL,
	"programme" text NOT NULL,
	"region_code" text NOT NULL,
	"monthly_fen" integer NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "standards_monthly_fen_check" CHECK ("standards"."monthly_fen" >= 0),
	CONSTRAINT "standards_period_check" CHECK ("standards"."end_date" IS NULL OR "standards"."end_date" >= "standards"."start_date")
);
--> statement-breakpoint
CREATE INDEX "standards_region_code_idx" ON "standards" USING btree ("region_code");