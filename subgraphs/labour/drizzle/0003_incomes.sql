CREATE TABLE "incomes" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"source" text NOT NULL,
	"monthly_fen" integer NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incomes_monthly_fen_check" CHECK ("incomes"."monthly_fen" >= 0),
	CONSTRAINT "incomes_period_check" CHECK ("incomes"."end_date" IS NULL OR "incomes"."end_date" >= "incomes"."start_date")
);
--> statement-breakpoint
CREATE INDEX "incomes_person_id_idx" ON "incomes" USING btree ("person_id");