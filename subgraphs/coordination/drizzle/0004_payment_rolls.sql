CREATE TABLE "payment_roll_lines" (
	"roll_id" text NOT NULL,
	"line" integer NOT NULL,
	"award_id" text NOT NULL,
	"programme" text NOT NULL,
	"person_id" text NOT NULL,
	"household_id" text,
	"amount_fen" integer NOT NULL,
	"bank" text,
	"account_number" text,
	"holder_id" text,
	"status" text NOT NULL,
	"holds" text[] NOT NULL,
	"paid_date" date,
	CONSTRAINT "payment_roll_lines_roll_id_line_pk" PRIMARY KEY("roll_id","line")
);
--> statement-breakpoint
CREATE TABLE "payment_rolls" (
	"id" text PRIMARY KEY NOT NULL,
	"department" text NOT NULL,
	"region_code" text NOT NULL,
	"period" text NOT NULL,
	"status" text NOT NULL,
	"generated_by" text NOT NULL,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"approval_note" text,
	"reconciled_by" text,
	"reconciled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "payment_rolls_department_region_period_idx" ON "payment_rolls" USING btree ("department","region_code","period");