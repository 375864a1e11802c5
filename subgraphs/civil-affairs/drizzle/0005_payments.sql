CREATE TABLE "bank_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"bank" text NOT NULL,
	"account_number" text NOT NULL,
	"holder_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"award_id" text NOT NULL,
	"person_id" text NOT NULL,
	"period" text NOT NULL,
	"amount_fen" integer NOT NULL,
	"account_number" text NOT NULL,
	"paid_date" date,
	"status" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_amount_fen_check" CHECK ("payments"."amount_fen" >= 0)
);
--> statement-breakpoint
CREATE INDEX "bank_accounts_person_id_idx" ON "bank_accounts" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "bank_accounts_account_number_idx" ON "bank_accounts" USING btree ("account_number");--> statement-breakpoint
CREATE INDEX "payments_person_id_idx" ON "payments" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "payments_period_idx" ON "payments" USING btree ("period");--> statement-breakpoint
CREATE INDEX "payments_award_id_idx" ON "payments" USING btree ("award_id");